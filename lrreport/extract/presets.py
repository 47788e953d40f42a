"""Presets: how a known platform's export maps onto a file source (``--preset shopify``).

A preset is a declaration beside the raw tables' (``queries/raw/presets/<name>.yml``): for each
loader column the export's columns that give it (the first non-empty one wins), and optionally
which rows only continue an earlier row (Shopify writes one row per line item) and are folded in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from lrreport.extract.files import LoadInputError
from lrreport.sqlfiles import queries_dir


@dataclass(frozen=True)
class Preset:
    """One platform's export of one file source."""

    name: str
    source: str  # sends | orders
    description: str
    columns: dict[str, tuple[str, ...]]  # loader column -> the export's columns, first non-empty wins
    skip: str | None = None  # SQL over the staged text ``s``: rows folded into an earlier one

    def column_map(self) -> dict[str, str]:
        """The export's column -> loader column, for the columns with a single candidate."""
        return {cands[0]: col for col, cands in self.columns.items() if len(cands) == 1}

    def merges(self) -> dict[str, tuple[str, ...]]:
        """Loader columns given by the first non-empty of several export columns."""
        return {col: cands for col, cands in self.columns.items() if len(cands) > 1}


@cache
def presets() -> dict[str, Preset]:
    """Every preset by name."""
    out: dict[str, Preset] = {}
    for path in sorted((queries_dir() / "raw" / "presets").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["name"]] = Preset(
            name=data["name"],
            source=data["source"],
            description=data.get("description", ""),
            columns={k: tuple(v) for k, v in data["columns"].items()},
            skip=data.get("skip"),
        )
    return out


def preset_for(name: str, source: str) -> Preset:
    """The preset ``name`` of ``source``; an unknown name is a clear error listing the known ones."""
    found = presets().get(name)
    if found is None or found.source != source:
        known = ", ".join(p.name for p in presets().values() if p.source == source) or "none"
        raise LoadInputError(f"--preset {name!r}: no such preset for {source} (known: {known})")
    return found
