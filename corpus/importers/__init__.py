"""Read article files into `ArticleRecord`s: seed text, JSON Lines, CSV; detect which is which."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corpus.importers.base import ArticleRecord, Published, RecordError, parse_published
from corpus.importers.csv import read_csv_file
from corpus.importers.jsonl import read_jsonl_file
from corpus.importers.seed import read_seed_file

__all__ = [
    "FORMATS",
    "ArticleRecord",
    "Published",
    "RecordError",
    "detect_format",
    "files_to_import",
    "parse_published",
    "read_records",
]

FORMATS: dict[str, Callable[[Path], Iterator[ArticleRecord]]] = {
    "seed": read_seed_file,
    "jsonl": read_jsonl_file,
    "csv": read_csv_file,
}
EXTENSIONS = {".txt": "seed", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def detect_format(path: Path) -> str:
    """The format of `path`: by extension, else by its first non-blank line."""
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        raise RecordError(
            f"{path}:1",
            "a JSON array is not JSON Lines: write one article object per line, or give --format",
        )
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if "text" in [cell.strip().strip('"') for cell in first_line.split(",")]:
        return "csv"
    return "seed"


def files_to_import(paths: Iterable[Path], *, fmt: str | None = None) -> list[tuple[Path, str]]:
    """(file, format) for every path; a folder gives its files, sorted by name.

    Without an explicit format, a folder contributes only files with a known extension
    (`.txt`, `.jsonl`, `.ndjson`, `.csv`), so a README beside the data is not read as a seed.
    """
    files: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not child.is_file() or child.name.startswith("."):
                    continue
                if fmt is not None:
                    files.append((child, fmt))
                elif child.suffix.lower() in EXTENSIONS:
                    files.append((child, EXTENSIONS[child.suffix.lower()]))
        elif path.is_file():
            files.append((path, fmt or detect_format(path)))
        else:
            raise RecordError(str(path), "no such file or folder")
    return files


def read_records(files: Iterable[tuple[Path, str]]) -> Iterator[ArticleRecord]:
    """Records of every file, in order; stops at the first bad record with its `RecordError`."""
    for path, fmt in files:
        try:
            reader = FORMATS[fmt]
        except KeyError:
            raise RecordError(
                str(path), f"unknown format {fmt!r}: use {', '.join(FORMATS)}"
            ) from None
        yield from reader(path)
