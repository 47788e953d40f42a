"""Find the input files of a load (paths, globs, folders) and tell their format, trusting no name.

The extension says what a file claims to be; a sniff of its first bytes checks the claim, so a
Parquet file named ``.csv`` or a gzip file without ``.gz`` is a clear error naming the file.
"""

from __future__ import annotations

import glob
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lrreport._exceptions import LrreportError

FORMATS = ("csv", "jsonl", "parquet")
_SUFFIXES: dict[str, tuple[str, bool]] = {
    ".csv": ("csv", False),
    ".csv.gz": ("csv", True),
    ".jsonl": ("jsonl", False),
    ".jsonl.gz": ("jsonl", True),
    ".ndjson": ("jsonl", False),
    ".ndjson.gz": ("jsonl", True),
    ".parquet": ("parquet", False),
    ".pq": ("parquet", False),
}
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 64 * 1024


class LoadInputError(LrreportError):
    """An input file is missing, of an unknown kind, or not what its name claims."""


@dataclass(frozen=True)
class InputFile:
    """One file to load: where it is, its format, and whether it is gzip-compressed."""

    path: Path  # for rows handed over by Python (fmt "rows"), the name of their origin
    fmt: str  # csv | jsonl | parquet | rows
    compressed: bool
    has_nul: bool = False  # a NUL byte somewhere in the text: the rows holding one are rejected
    rows: Any = None  # fmt "rows": the Arrow table (or anything DuckDB scans) holding them

    @property
    def name(self) -> str:
        return str(self.path)


def supported_suffixes() -> str:
    """The file endings a load understands, for help texts and messages."""
    return ", ".join(_SUFFIXES)


def _claimed(path: Path) -> tuple[str, bool] | None:
    name = path.name.lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return _SUFFIXES[suffix]
    return None


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def expand_paths(paths: list[str] | tuple[str, ...]) -> list[Path]:
    """Expand files, folders (recursively) and glob patterns into a sorted, de-duplicated list.

    Order: the arguments in the order given, each one's matches sorted by path; a file named twice
    is loaded once (where it first appears).
    """
    if not paths:
        raise LoadInputError("no input files given")
    found: list[Path] = []
    for arg in paths:
        if _is_glob(arg):
            matches = [Path(m) for m in sorted(glob.glob(arg, recursive=True))]
            files = [m for m in matches if m.is_file() and _claimed(m)]
            files += [f for m in matches if m.is_dir() for f in _folder_files(m)]
            if not files:
                raise LoadInputError(f"no loadable files match {arg!r} (endings: {supported_suffixes()})")
            found.extend(files)
            continue
        path = Path(arg).expanduser()
        if path.is_dir():
            files = _folder_files(path)
            if not files:
                raise LoadInputError(
                    f"folder {path} holds no loadable files (endings: {supported_suffixes()})"
                )
            found.extend(files)
        elif path.is_file():
            if _claimed(path) is None:
                raise LoadInputError(f"{path}: unknown file type; expected one of {supported_suffixes()}")
            found.append(path)
        else:
            raise LoadInputError(f"{path}: no such file or folder")
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(key)
    return unique


def _folder_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and _claimed(p)
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _head(path: Path, compressed: bool) -> bytes:
    if not compressed:
        with path.open("rb") as fh:
            return fh.read(_SNIFF_BYTES)
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise LoadInputError(f"{path}: not a readable gzip file ({exc})") from None


def sniff(path: Path) -> InputFile:
    """Check that ``path``'s content matches its extension; return what to read it as."""
    claimed = _claimed(path)
    if claimed is None:
        raise LoadInputError(f"{path}: unknown file type; expected one of {supported_suffixes()}")
    fmt, compressed = claimed
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(_GZIP_MAGIC) and not compressed:
        raise LoadInputError(f"{path}: the content is gzip-compressed but the name does not end in .gz")
    if compressed and not magic.startswith(_GZIP_MAGIC):
        raise LoadInputError(f"{path}: named .gz but the content is not gzip-compressed")
    if fmt == "parquet":
        if magic != _PARQUET_MAGIC:
            raise LoadInputError(f"{path}: named as Parquet but the content is not a Parquet file")
        return InputFile(path, fmt, compressed)
    head = _head(path, compressed)
    if head.startswith(_PARQUET_MAGIC):
        raise LoadInputError(f"{path}: named as {fmt.upper()} but the content is a Parquet file")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise LoadInputError(
            f"{path}: the text is UTF-16 encoded; save it as UTF-8 "
            "(e.g. iconv -f UTF-16 -t UTF-8) and load that"
        )
    if head.count(b"\x00") > len(head) // 100:
        raise LoadInputError(f"{path}: named as {fmt.upper()} but the content is binary, not text")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if fmt == "jsonl":
        if text and not text.startswith("{"):
            what = "a JSON array (expected one JSON object per line)" if text.startswith("[") else "not JSON"
            raise LoadInputError(f"{path}: named as JSON lines but the content is {what}")
    elif text.startswith(("{", "[")):
        raise LoadInputError(f"{path}: named as CSV but the content looks like JSON")
    return InputFile(path, fmt, compressed, has_nul=_has_nul(path, compressed, fmt == "jsonl"))


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL beside every other byte."""
    sample = head[:512]
    return len(sample) >= 8 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def _has_nul(path: Path, compressed: bool, json_escapes: bool) -> bool:
    """Whether the (decompressed) text may hold a NUL character: the byte, or JSON's escape of it.

    A fast scan, chunk by chunk (chunks overlap by the escape's length less one).
    """
    opener = gzip.open if compressed else open
    tail = b""
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            while chunk := fh.read(1 << 22):
                if b"\x00" in chunk:
                    return True
                if json_escapes and (b"\\u0000" in chunk or b"\\u0000" in tail + chunk[:5]):
                    return True
                tail = chunk[-5:]
    except (OSError, EOFError, zlib.error) as exc:
        raise LoadInputError(f"{path}: not a readable gzip file ({exc})") from None
    return False


def is_empty(file: InputFile) -> bool:
    """True when a text file has no content at all (a zero-row export)."""
    if file.fmt in ("parquet", "rows"):
        return False
    return not _head(file.path, file.compressed).strip(b"\xef\xbb\xbf \t\r\n")
