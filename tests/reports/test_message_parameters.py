"""`lrreport report run message`: a message type is checked against the warehouse before anything
runs, and papermill's spurious "unknown parameter" warning is gone (issue 11, item 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LRREPORT = Path(sys.executable).with_name("lrreport")


def _run(demo_warehouse, output: Path, *params: str) -> tuple[int, str, str]:  # noqa: ANN001
    """The installed ``lrreport`` command in its own process, so its log lines reach stderr as a user's do."""
    end = demo_warehouse.spec.end_date.isoformat()
    args = [str(LRREPORT), "report", "run", "message", "--database", str(demo_warehouse.database),
            "--output", str(output), "-p", f"start_date={end}", "-p", f"end_date={end}"]  # fmt: skip
    for p in params:
        args += ["-p", p]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, done.stdout, done.stderr


def test_message_type_runs_without_unknown_parameter_warning(demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    output = tmp_path / "reports"
    code, out, err = _run(demo_warehouse, output, "message_type=Shipping Confirmation")
    assert code == 0, out + err
    assert "unknown parameter" not in (out + err).lower(), out + err
    assert len(list(output.glob("message/2*/message.html"))) == 1


def test_misspelt_message_type_exits_non_zero_listing_valid_ones(demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    output = tmp_path / "reports"
    code, out, err = _run(demo_warehouse, output, "message_type=Shiping Confirmation")
    assert code == 2, out + err
    assert "No message type 'Shiping Confirmation' in this warehouse" in err, err
    for valid in ("Order Confirmation", "Shipping Confirmation", "Delivery Confirmation"):
        assert valid in err, err
    assert "nothing was run" in err
    assert not output.exists() or not any(output.rglob("*.html")), "a refused run published something"

    code, out, err = _run(demo_warehouse, output, "message_name=No Such Shell")
    assert code == 2 and "No message shell 'No Such Shell'" in err, out + err
