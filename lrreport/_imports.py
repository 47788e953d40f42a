"""Third-party start-up work lrreport skips: jsonschema's IRI grammars (1.2 s per process).

jsonschema, which dbt, nbformat and the simulators' checks all import, tries the optional
``rfc3987_syntax`` for its "iri" formats, and that module compiles 39 Lark grammars as it is imported:
1.2 of the 3.4 s it takes to import dbt. jupyter-events installs it; nothing lrreport runs checks
an IRI. A finder on ``sys.meta_path`` therefore answers "not installed" to that one import while
jsonschema's format module is being imported, and only then: jsonschema leaves the two formats
unchecked, as it does wherever the module is absent, and anything else may still import it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

OPTIONAL = "rfc3987_syntax"
IMPORTER = "jsonschema._format"


def _being_imported(name: str) -> bool:
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None)
    return bool(getattr(spec, "_initializing", False))  # set by importlib while the module runs


class _SkipIriGrammars(MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == OPTIONAL and _being_imported(IMPORTER):
            raise ModuleNotFoundError(f"{OPTIONAL} skipped for jsonschema (lrreport._imports)", name=fullname)
        return None


def skip_iri_grammars() -> None:
    """Install the finder once per process (``import lrreport`` does)."""
    if not any(isinstance(f, _SkipIriGrammars) for f in sys.meta_path):
        sys.meta_path.insert(0, _SkipIriGrammars())
