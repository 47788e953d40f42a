"""The content audit: sends grouped into templates, and why each template costs what it does.

A template is one wording of a message with its varying parts masked: links (``{link}``) and digit
runs (``#``) by the query, and the words that differ between otherwise equal texts (first names,
carriers, stores, month names) by ``merge_templates`` here, as ``{…}``. The masks are for reading
only: why a template goes UCS-2 or multi-segment, and how much to cut, is computed on the real
content of its sends, counted as Listrak sends it (``lrreport.sms``).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from lrreport import sms

VARIES = "{…}"  # a part of the text that differs between the sends of one template
SIMILARITY = 0.8  # token-sequence similarity at which two texts are the same wording
VARIES_AT_MOST = 40  # characters a masked part may stand for when a text is matched to a template
_TOKEN = re.compile(r"\{link\}|[^\W_]+|\s+|[^\w\s]|_")


def tokens(text: str) -> list[str]:
    """Words, whitespace runs, ``{link}`` and single other characters: the units templates align on."""
    return _TOKEN.findall(text)


def _merge(template: list[str], other: list[str]) -> list[str]:
    """The tokens both share in order; every stretch where they differ becomes one ``VARIES``."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, template, other, autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(template[i1:i2])
        elif not out or out[-1] != VARIES:
            out.append(VARIES)
    return out


def _pattern(template: list[str]) -> re.Pattern[str]:
    """A regular expression the texts of ``template`` match: each ``VARIES`` stands for a short run of
    text (a name, a store, a date; up to ``VARIES_AT_MOST`` characters, which also bounds the search)."""
    part = f"(?s:.{{1,{VARIES_AT_MOST}}}?)"
    return re.compile("".join(part if t == VARIES else re.escape(t) for t in template))


def _similarity(a: list[str], b: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


@dataclass
class Template:
    """Sends of one shell and encoding whose texts are one wording."""

    message_name: str
    encoding: str
    tokens: list[str]
    sends: int = 0
    min_segments: int = 0
    max_segments: int = 0
    contents: list[str] = field(default_factory=list)  # the longest real send of each merged text
    pattern: re.Pattern[str] | None = None  # what the texts it already covers look like

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    def fits(self, masked: str) -> bool:
        """True when ``masked`` is this template with some text for each ``VARIES`` (a name, a
        store): the common case, settled by one regular-expression match instead of an alignment."""
        if self.pattern is None:
            self.pattern = _pattern(self.tokens)
        return self.pattern.fullmatch(masked) is not None


def merge_templates(rows: Iterable[tuple[str, str, str, int, int, int, str]]) -> list[Template]:
    """Merge ``(message_name, masked, encoding, sends, min_segments, max_segments, longest)`` rows
    into templates: a text joins the first template of its shell and encoding it is similar enough
    to (most sends first, so the common wording sets the template), else starts its own."""
    ordered = sorted(rows, key=lambda r: (r[0], r[2], -r[3], r[1]))
    templates: list[Template] = []
    open_by_key: dict[tuple[str, str], list[Template]] = {}
    for name, masked, encoding, sends, low, high, longest in ordered:
        candidates = open_by_key.setdefault((name, encoding), [])
        target = next((t for t in candidates if t.fits(masked)), None)
        if target is None:
            toks = tokens(masked)
            target = next((t for t in candidates if _similarity(t.tokens, toks) >= SIMILARITY), None)
            if target is None:
                target = Template(name, encoding, toks, min_segments=low, max_segments=high)
                candidates.append(target)
                templates.append(target)
            else:
                target.tokens, target.pattern = _merge(target.tokens, toks), None
        target.sends += int(sends)
        target.min_segments = min(target.min_segments, int(low))
        target.max_segments = max(target.max_segments, int(high))
        target.contents.append(longest)
    return sorted(templates, key=lambda t: (-t.sends, t.message_name, t.text))


def _units_in(segments: int, encoding: str) -> int:
    """Units (septets or UTF-16 code units) that fit in ``segments`` segments."""
    if segments <= 0:
        return 0
    single, multi = (
        (sms.GSM7_SINGLE, sms.GSM7_MULTI) if encoding == sms.GSM7 else (sms.UCS2_SINGLE, sms.UCS2_MULTI)
    )
    return single if segments == 1 else multi * segments


def _shown(chars: Iterable[str]) -> str:
    return " ".join(f"{ch} (U+{ord(ch):04X})" if not ch.isprintable() or ord(ch) > 0x7E else ch
                    for ch in sorted(chars))


@dataclass(frozen=True)
class Cause:
    """Why a template costs more than one GSM-7 segment, from the real text of its longest send."""

    text: str
    cut: int | None  # characters to cut from the longest send to save one segment (None: one segment)


def cause(contents: Iterable[str]) -> Cause:
    """The cause, worked out on real sent texts (links counted at their short length):

    * the characters outside GSM-7 that force UCS-2, and what the longest send would cost without them;
    * the GSM-7 extension characters that cost two septets each;
    * the length of the longest send against its encoding's limits, and the characters to cut from
      it so that it needs one segment fewer.
    """
    contents = [c for c in contents if c]
    if not contents:
        return Cause("\u2014", None)
    counted = [(sms.count_segments(c), sms.as_sent(c)) for c in contents]
    longest, longest_text = max(counted, key=lambda pair: (pair[0].units, pair[0].characters))
    outside: Counter[str] = Counter()
    extension: set[str] = set()
    for count, text in counted:
        if count.encoding == sms.UCS2:
            outside.update({ch for ch in text if ch not in sms.GSM7_BASIC and ch not in sms.GSM7_EXTENSION})
        else:
            extension.update(ch for ch in text if ch in sms.GSM7_EXTENSION)
    parts = []
    if outside:
        some = "" if all(outside[ch] == len(counted) for ch in outside) else " (in some sends)"
        parts.append(f"UCS-2 because of {_shown(list(outside)[:8])}{some}")
        if longest.encoding == sms.UCS2:
            as_gsm = "".join("?" if ch in outside else ch for ch in longest_text)
            septets = len(as_gsm) + sum(1 for ch in as_gsm if ch in sms.GSM7_EXTENSION)
            gsm_segments = sms.segments_for(septets, sms.GSM7)
            if gsm_segments < longest.segments:
                parts.append(f"without them it is GSM-7: {gsm_segments} segment"
                             f"{'s' if gsm_segments != 1 else ''} instead of {longest.segments}")
    if extension:
        parts.append(f"{_shown(extension)} count two septets each")
    limit = _units_in(1, longest.encoding)
    cut = None
    if longest.segments > 1:
        cut = longest.units - _units_in(longest.segments - 1, longest.encoding)
        unit = "septets" if longest.encoding == sms.GSM7 else "UTF-16 units"
        parts.append(
            f"{longest.characters:,} characters ({longest.units:,} {unit}; one segment holds {limit}): "
            f"{longest.segments} segments; cut {cut:,} to send {longest.segments - 1}"
        )
    return Cause("; ".join(parts) or "\u2014", cut)


def content_templates(rows: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The audit table from ``queries/reports/content_templates.sql``: one row per template, most
    sends first, with its segments, the cause and the characters to cut to save a segment."""
    columns = ["message_name", "template", "encoding", "segments", "sends", "cause", "cut_to_save_a_segment"]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=columns)
    merged = merge_templates(
        rows[["message_name", "masked", "encoding", "sends", "min_segments", "max_segments", "longest"]]
        .itertuples(index=False, name=None)
    )
    out = []
    for t in merged[:limit]:
        why = cause(t.contents)
        low, high = t.min_segments, t.max_segments
        span = str(high) if low == high else f"{low}\u2013{high}"
        out.append([t.message_name, t.text, t.encoding, span, t.sends, why.text, why.cut])
    frame = pd.DataFrame(out, columns=columns)
    frame["cut_to_save_a_segment"] = frame["cut_to_save_a_segment"].astype("Int64")
    frame.attrs.update(rows.attrs)
    return frame
