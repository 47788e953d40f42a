"""Our models of Listrak's resources agree with Listrak's published spec (run when the spec is found;
tests/conftest.py leaves this module out, and says so in the summary, when it is not)."""

from __future__ import annotations

from lrreport.listrak.models import MODELS, spec_differences
from lrreport.sim.conformance import load_spec


def test_the_models_match_the_published_spec() -> None:
    spec = load_spec()
    assert spec_differences(spec) == []
    assert set(MODELS) <= set(spec["definitions"])


def test_a_drifted_spec_is_noticed() -> None:
    spec = load_spec()
    spec["definitions"]["OptOutContact"]["properties"]["optOutDate"] = {"type": "string"}
    del spec["definitions"]["SenderCode"]["properties"]["code"]
    assert spec_differences(spec) == [
        "SenderCode.code: not in the spec",
        "OptOutContact.optOutDate: the spec says string, the model date-time",
    ]
