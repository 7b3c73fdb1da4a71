"""The seed text format: every header variant, checked against demo_data/seeds.meta.jsonl."""

import pytest

from corpus.importers import RecordError, files_to_import, read_records
from corpus.importers.seed import parse_seed
from corpus.segmentation import HEADING, segment
from tests.corpus.conftest import DEMO_DATA, SEEDS, read_jsonl


def _as_meta(record) -> dict:
    body_words = record.text[record.body_start :].split()
    blocks = segment(record.text, body_start=record.body_start, heading_lines=record.heading_lines)
    return {
        "file": f"seeds/{record.metadata['source_file']}",
        "title": record.title or None,
        "published": record.published.isoformat() if record.published else None,
        "publisher": record.publisher or None,
        "author": record.author or None,
        "language": record.language,
        "headings": [record.text[b.start : b.end] for b in blocks if b.kind == HEADING],
        "body_first_words": " ".join(body_words[:8]),
        "body_last_words": " ".join(body_words[-8:]),
    }


def test_seed_importer_reproduces_seeds_meta_jsonl():
    """Title, published, publisher, author, language, headings and body match the gold meta."""
    records = list(read_records(files_to_import([SEEDS])))
    assert [_as_meta(r) for r in records] == read_jsonl(DEMO_DATA / "seeds.meta.jsonl")


def test_seed_importer_keeps_the_whole_file_as_text():
    """The stored text is the file exactly as read, header lines included (gold offsets)."""
    for record in read_records(files_to_import([SEEDS])):
        path = SEEDS / record.metadata["source_file"]
        assert record.text == path.read_text(encoding="utf-8")
        assert record.external_id == path.stem


def test_seed_importer_records_body_start_after_the_header_lines():
    """The body starts on line 3 (line 6 for 003, after its repeated title and `#` line)."""
    for record in read_records(files_to_import([SEEDS])):
        line = record.text.count("\n", 0, record.body_start) + 1
        expected = 6 if record.external_id.startswith("003") else 3
        assert line == expected
        assert record.metadata["body_start"] == record.body_start


@pytest.mark.parametrize(
    ("header", "published", "publisher", "author"),
    [
        (" date 2023-04-05 5 April 2023 17:49 (UTC+04:00)", "2023-04-05T17:49:00+04:00", "", ""),
        ("date 2023-04-05 5 April 2023 17:49 (UTC +04:00)", "2023-04-05T17:49:00+04:00", "", ""),
        (" date 2023-04-05 5 April 2023 09:05 (UTC-03:30)", "2023-04-05T09:05:00-03:30", "", ""),
        (" date 2023-04-05 April 5, 2023 17:49 (GMT)", "2023-04-05T17:49:00+00:00", "", ""),
        (" date 2023-04-05 5 April 2023 17:49", "2023-04-05", "", ""),
        (
            " date 2023-12-08 (MENAFN- AzerNews) By Asim Aliyev",
            "2023-12-08",
            "MENAFN",
            "Asim Aliyev",
        ),
        ("# 07 September 2023 20:51 (UTC +04:00)", "2023-09-07T20:51:00+04:00", "", ""),
    ],
)
def test_seed_importer_parses_header_variants(header, published, publisher, author):
    """Each date/offset/byline spelling of the first line gives the same fields."""
    record = parse_seed(f"{header}\n\nThe body starts here.\n", name="x.txt")
    assert record.published.isoformat() == published
    assert record.publisher == publisher
    assert record.author == author
    assert record.text[record.body_start :].startswith("The body starts here.")


def test_seed_importer_reads_a_title_followed_by_a_date_line():
    """A first line followed by a `#` date line is the title, even when not repeated."""
    text = "A title line\n# 07 September 2023 20:51 (UTC +04:00)\n\nBody."
    record = parse_seed(text, name="t.txt")
    assert record.title == "A title line"
    assert text[record.body_start :] == "Body."


def test_seed_importer_takes_publisher_from_the_dateline():
    """`…, Azernews reports.` in the lead names the publisher when the header does not."""
    record = parse_seed(" date 2023-04-05\n\nA met B, Trend News reports.\n", name="d.txt")
    assert record.publisher == "Trend News"


def test_seed_importer_treats_a_file_without_header_as_all_body():
    """No date line and no repeated title: the body starts at the first character."""
    text = "Just a paragraph. Another sentence.\n\nSecond paragraph."
    record = parse_seed(text, name="plain.txt")
    assert (record.body_start, record.title, record.published) == (0, "", None)


def test_seed_importer_refuses_a_header_with_two_different_dates():
    """The ISO date and the human date of the ` date` line must agree."""
    with pytest.raises(
        RecordError, match=r"bad\.txt:1: .* two different dates: 2023-04-05 and 2023-04-06"
    ):
        parse_seed(" date 2023-04-05 6 April 2023 17:49 (UTC+04:00)\n\nBody.", name="bad.txt")


def test_seed_importer_refuses_an_impossible_date():
    """`2023-02-30` is named in the message with the line."""
    with pytest.raises(RecordError, match=r"bad\.txt:1: bad date .*2023-02-30"):
        parse_seed(" date 2023-02-30\n\nBody.", name="bad.txt")


def test_seed_importer_refuses_an_empty_file():
    """An empty file is an error naming it."""
    with pytest.raises(RecordError, match=r"empty\.txt: the file is empty"):
        parse_seed(" \n\n", name="empty.txt")


def test_seed_importer_refuses_a_header_without_body():
    """Header lines alone are not an article."""
    with pytest.raises(RecordError, match="no body text"):
        parse_seed(" date 2023-04-05 5 April 2023 17:49 (UTC+04:00)\n", name="h.txt")
