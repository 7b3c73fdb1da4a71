"""The plain record every importer yields, and the parsing shared by all formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import InvalidInput
from corpus.segmentation import BlockSpan

MAX_OFFSET_MINUTES = 16 * 60


class RecordError(InvalidInput):
    """A bad input record; the message starts with the file and line or record it comes from."""

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


def read_text(path: Path) -> str:
    """The file's text exactly as stored (no newline translation); a leading BOM is dropped."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecordError(str(path), f"cannot read the file: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordError(
            f"{path}:{line}",
            f"byte 0x{data[error.start]:02x} at byte offset {error.start} is not UTF-8; "
            "save the file as UTF-8",
        ) from None


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date, or an instant with the UTC offset it was written with."""

    date: dt.date
    at: dt.datetime | None = None
    offset_minutes: int | None = None

    def isoformat(self) -> str:
        if self.at is None or self.offset_minutes is None:
            return self.date.isoformat()
        tz = dt.timezone(dt.timedelta(minutes=self.offset_minutes))
        return self.at.astimezone(tz).isoformat()


def make_published(local: dt.datetime, offset_minutes: int) -> Published:
    """`local` is a naive wall-clock time at UTC+`offset_minutes`."""
    if abs(offset_minutes) > MAX_OFFSET_MINUTES:
        raise ValueError(f"UTC offset {offset_minutes:+d} minutes is outside -16:00..+16:00")
    tz = dt.timezone(dt.timedelta(minutes=offset_minutes))
    return Published(local.date(), local.replace(tzinfo=tz), offset_minutes)


def parse_published(value: str) -> Published:
    """ISO 8601 date (`2023-12-08`) or date-time with offset (`2023-04-05T17:49:00+04:00`).

    Raises ValueError with a readable reason; a date-time without an offset is refused, since
    the instant it names is unknown.
    """
    value = value.strip()
    try:
        if len(value) == 10:
            return Published(dt.date.fromisoformat(value))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date (2023-12-08) or date-time with a UTC offset "
            "(2023-04-05T17:49:00+04:00)"
        ) from None
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{value!r} has a time but no UTC offset: add one, e.g. +00:00")
    if offset.total_seconds() % 60:
        raise ValueError(f"{value!r}: the UTC offset must be whole minutes")
    return make_published(moment.replace(tzinfo=None), int(offset.total_seconds()) // 60)


@dataclass(slots=True)
class ArticleRecord:
    """One article as an importer read it, before it touches the database.

    `text` is stored exactly as given. `body_start` is where the body begins (after the header
    lines of a seed file); `heading_lines` are lines the importer knows to be headings; `blocks`,
    when given (a re-imported export), replace segmentation.
    """

    origin: str
    text: str
    external_id: str = ""
    title: str = ""
    published: Published | None = None
    publisher: str = ""
    author: str = ""
    url: str = ""
    language: str = "en"
    metadata: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0
    heading_lines: tuple[str, ...] = ()
    blocks: list[BlockSpan] | None = None
    content_hash: str | None = None
