"""Seed text files: a few header lines, then one paragraph per line.

The header variants this parser accepts, all seen in the seed corpus:

    ` date 2023-04-05 5 April 2023 17:49 (UTC+04:00)`   ISO date, human date, time and offset
    ` date 2023-12-08 (MENAFN- AzerNews) By Asim Aliyev`  date only; syndicator, provider, byline
    `<title>` / blank / `<title>` / `# 07 September 2023 20:51 (UTC +04:00)`
                                                        a repeated title, then a `#` date line

The header lines stay in the stored text (offsets are into the whole file); the body starts at
the first line after them and only the body is split into blocks. A publisher not named in the
header is taken from the lead's dateline (`…, Azernews reports.`), never guessed from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from corpus.importers.base import (
    ArticleRecord,
    Published,
    RecordError,
    make_published,
    read_text,
)

# English names, whatever the process locale (calendar.month_name follows it).
_MONTH_LIST = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_LIST.split(" "), start=1)}
_MONTH_NAMES = "|".join(_MONTHS)

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?=\s|$)(.*)$", re.IGNORECASE)
_HASH_LINE = re.compile(r"^\s*#\s*(.*)$")
# `5 April 2023 17:49` or `April 5, 2023 17:49`; the time is optional.
_HUMAN_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH_NAMES})|(?P<m2>{_MONTH_NAMES})\s+(?P<d2>\d{{1,2}}),?)"
    rf"\s+(?P<year>\d{{4}})(?:,?\s+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?",
    re.IGNORECASE,
)
# `(UTC+04:00)`, `(UTC +04:00)`, `(GMT+4)`, `(UTC)`; U+2212 is the typographic minus.
_OFFSET = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:(?P<sign>[+\-\u2212])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*\)",
    re.IGNORECASE,
)
# `(MENAFN- AzerNews)`: the syndicator published this copy, the provider supplied it.
_SYNDICATION = re.compile(
    r"\(\s*(?!(?:UTC|GMT)\b)(?P<syndicator>[A-Z][\w.&]*)\s*-\s*(?P<provider>[^\W\d][^()]*?)\s*\)"
)
_BYLINE = re.compile(r"\bBy\s+(?P<author>\S.*?)\s*$")
_DATELINE = re.compile(
    r",\s+(?P<publisher>[A-Z][\w.&'\u2019-]*(?:\s+[A-Z][\w.&'\u2019-]*){0,3})\s+reports\.\s*$"
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> list[tuple[int, str]]:
    """(start offset, line without its line break) for every line."""
    lines = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and match.group() == "":
            break
        lines.append((match.start(), match.group().rstrip("\r\n")))
    return lines


def _parse_human(fragment: str) -> tuple[dt.date, dt.datetime | None, int | None] | None:
    """Date, naive local time and offset minutes from `5 April 2023 17:49 (UTC+04:00)`."""
    match = _HUMAN_DATE.search(fragment)
    if match is None:
        return None
    day = int(match["d1"] or match["d2"])
    month = _MONTHS[(match["m1"] or match["m2"]).lower()]
    date = dt.date(int(match["year"]), month, day)
    if match["hour"] is None:
        return date, None, None
    local = dt.datetime.combine(date, dt.time(int(match["hour"]), int(match["minute"])))
    offset = _OFFSET.search(fragment, match.end())
    if offset is None:
        return date, local, None
    minutes = int(offset["hours"] or 0) * 60 + int(offset["minutes"] or 0)
    if offset["sign"] in ("-", "\u2212"):
        minutes = -minutes
    return date, local, minutes


def _published(date: dt.date, local: dt.datetime | None, offset: int | None) -> Published:
    # A time without an offset names no instant: keep the date only.
    if local is None or offset is None:
        return Published(date)
    return make_published(local, offset)


class _Header:
    def __init__(self) -> None:
        self.title = ""
        self.published: Published | None = None
        self.publisher = ""
        self.author = ""
        self.metadata: dict[str, str] = {}

    def parse_date_line(self, line: str, origin: str) -> bool:
        match = _DATE_LINE.match(line)
        if match is None:
            return False
        try:
            iso_date = dt.date.fromisoformat(match[1])
            human = _parse_human(match[2])
        except ValueError as error:
            raise RecordError(
                origin, f"bad date in header line {line.strip()!r}: {error}"
            ) from None
        if human is not None and human[0] != iso_date:
            raise RecordError(
                origin,
                f"header line {line.strip()!r} gives two different dates: "
                f"{iso_date} and {human[0]}",
            )
        try:
            self.published = _published(iso_date, *(human[1:] if human else (None, None)))
        except ValueError as error:
            raise RecordError(origin, f"header line {line.strip()!r}: {error}") from None
        rest = match[2]
        syndication = _SYNDICATION.search(rest)
        if syndication is not None:
            self.publisher = syndication["syndicator"]
            self.metadata["provider"] = syndication["provider"]
            rest = rest[syndication.end() :]
        byline = _BYLINE.search(rest)
        if byline is not None:
            self.author = byline["author"]
        return True

    def parse_hash_line(self, line: str, origin: str) -> bool:
        match = _HASH_LINE.match(line)
        if match is None:
            return False
        try:
            human = _parse_human(match[1])
            if human is None:
                return False
            self.published = _published(*human)
        except ValueError as error:
            raise RecordError(
                origin, f"bad date in header line {line.strip()!r}: {error}"
            ) from None
        return True


def _is_date_line(line: str) -> bool:
    hashed = _HASH_LINE.match(line)
    return _DATE_LINE.match(line) is not None or (
        hashed is not None and _HUMAN_DATE.search(hashed[1]) is not None
    )


def parse_seed(text: str, *, name: str) -> ArticleRecord:
    """One seed file's text as an `ArticleRecord`; `name` is the file path used in messages."""
    if not text.strip():
        raise RecordError(name, "the file is empty: an article needs a text")
    lines = [(start, line, number) for number, (start, line) in enumerate(_lines(text), 1)]
    filled = [item for item in lines if item[1].strip()]
    header = _Header()
    consumed = 0
    if len(filled) > 1:
        first, second = filled[0][1], filled[1][1]
        if not _is_date_line(first) and (first.strip() == second.strip() or _is_date_line(second)):
            header.title = first.strip()
            consumed = 1
    for _start, line, number in filled[consumed:]:
        origin = f"{name}:{number}"
        repeated_title = bool(header.title) and line.strip() == header.title
        if repeated_title or (
            header.published is None
            and (header.parse_date_line(line, origin) or header.parse_hash_line(line, origin))
        ):
            consumed += 1
        else:
            break
    if consumed == len(filled):
        raise RecordError(name, "the file has header lines but no body text after them")
    body_start, body_line, _number = filled[consumed]
    body_start += len(body_line) - len(body_line.lstrip())
    publisher = header.publisher
    if not publisher:
        dateline = _DATELINE.search(body_line)
        if dateline is not None:
            publisher = dateline["publisher"]
    headings = tuple(
        line.strip() for _s, line, _n in filled[consumed:] if _HASH_LINE.match(line) is not None
    )
    return ArticleRecord(
        origin=name,
        text=text,
        external_id=Path(name).stem,
        title=header.title,
        published=header.published,
        publisher=publisher,
        author=header.author,
        metadata={"source_file": Path(name).name, "body_start": body_start, **header.metadata},
        body_start=body_start,
        heading_lines=headings,
    )


def read_seed_file(path: Path) -> Iterator[ArticleRecord]:
    """Yield the one record of a seed file."""
    yield parse_seed(read_text(path), name=str(path))
