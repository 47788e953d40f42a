"""SMS segment counting: how many billable segments a message is, by the rules in DOMAIN.md.

The same rules exist in SQL (``queries/load/sms_macros.sql``), where the loader computes them once
per send into raw.sends; tests check that both agree. Rules: the content is counted *as sent*,
each ``http(s)://`` link replaced by its 22-character short form. If every character is in the
GSM 03.38 basic set or its extension table, the message is GSM-7: basic characters take one
septet, extension characters two; 160 septets fit one segment, a longer message is split into
segments of 153. Otherwise it is UCS-2: counted in UTF-16 code units (a character outside the BMP
is two), 70 in one segment, 67 per segment when split. Empty content is zero characters, GSM-7,
zero segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 default alphabet (the escape position 0x1B excluded): one septet each.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table, reached through the escape character: two septets each.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SHORT_LINK_LENGTH = 22
# A link: http:// or https:// (any case) up to the next whitespace. The whitespace class is
# spelled out so that Python's re and DuckDB's RE2 agree on it.
LINK_PATTERN = r"(?i)https?://[^ \t\n\r\f\x0b]+"
_LINK_RE = re.compile(LINK_PATTERN)
_SHORT_LINK = "x" * SHORT_LINK_LENGTH

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    """What a message costs: characters as sent, encoding, units (septets or UTF-16 code units)."""

    characters: int
    encoding: str
    units: int
    segments: int
    has_link: bool


def as_sent(content: str) -> str:
    """The content with every http(s) link replaced by a 22-character stand-in for its short form."""
    return _LINK_RE.sub(_SHORT_LINK, content)


def encoding_of(text: str) -> str:
    """``'GSM-7'`` when every character is in the basic set or extension table, else ``'UCS-2'``."""
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            return UCS2
    return GSM7


def segments_for(units: int, encoding: str) -> int:
    """Segments needed for ``units`` septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if units <= 0:
        return 0
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if encoding == GSM7 else (UCS2_SINGLE, UCS2_MULTI)
    if units <= single:
        return 1
    return -(-units // multi)


def count_segments(content: str | None) -> SegmentCount:
    """Count ``content`` as Listrak sends it; ``None`` counts like empty content."""
    content = content or ""
    has_link = _LINK_RE.search(content) is not None
    text = as_sent(content)
    encoding = encoding_of(text)
    if encoding == GSM7:
        units = len(text) + sum(1 for ch in text if ch in GSM7_EXTENSION)
    else:
        units = len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return SegmentCount(len(text), encoding, units, segments_for(units, encoding), has_link)
