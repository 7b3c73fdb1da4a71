"""`manage.py export_articles`: one JSON object per article, re-importable without change."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corpus.exports import iter_articles_jsonl
from corpus.models import Article, Block, Sentence
from tests.corpus.conftest import SEEDS
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def export(tmp_path, name="out.jsonl") -> list[dict]:
    path = tmp_path / name
    call_command("export_articles", "--out", str(path), stdout=StringIO(), stderr=StringIO())
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_articles_writes_fields_blocks_and_sentences(tmp_path):
    """Each line has the documented keys; blocks and sentences are offsets into `text`."""
    call_command("import_articles", str(SEEDS), stdout=StringIO(), stderr=StringIO())
    rows = export(tmp_path)
    assert len(rows) == 5
    row = next(r for r in rows if r["external_id"] == "000_08a6d49268ed809a")
    assert set(row) == {
        "external_id",
        "title",
        "published",
        "publisher",
        "author",
        "url",
        "language",
        "content_hash",
        "text",
        "metadata",
        "blocks",
        "sentences",
    }
    assert row["published"] == "2023-04-05T17:49:00+04:00"
    assert row["publisher"] == "Azernews"
    assert row["title"] is None
    assert row["text"] == (SEEDS / "000_08a6d49268ed809a.txt").read_text(encoding="utf-8")
    first = row["sentences"][0]
    assert row["text"][first[0] : first[1]].startswith("Azerbaijani Foreign Minister")
    assert {b["kind"] for b in row["blocks"]} == {"paragraph"}


def test_export_articles_writes_to_stdout_without_out():
    """Without `--out` the lines go to standard output."""
    call_command("import_articles", str(SEEDS / "001_740120c73d6d34e9.txt"), stdout=StringIO())
    out = StringIO()
    call_command("export_articles", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["author"] == "Asim Aliyev"


def test_export_articles_output_reimports_as_no_change(tmp_path):
    """Importing the export into the same database creates nothing."""
    call_command("import_articles", str(SEEDS), stdout=StringIO(), stderr=StringIO())
    export(tmp_path)
    out = StringIO()
    call_command("import_articles", str(tmp_path / "out.jsonl"), stdout=out, stderr=StringIO())
    assert "0 article(s) created" in out.getvalue()
    assert "5 skipped" in out.getvalue()


def test_export_articles_round_trips_through_an_empty_database(tmp_path):
    """Export, empty the corpus, import the export, export again: identical files."""
    call_command("import_articles", str(SEEDS), stdout=StringIO(), stderr=StringIO())
    first = export(tmp_path, "first.jsonl")
    Article.objects.all().delete()
    assert Block.objects.count() == Sentence.objects.count() == 0
    call_command(
        "import_articles", str(tmp_path / "first.jsonl"), stdout=StringIO(), stderr=StringIO()
    )
    assert export(tmp_path, "second.jsonl") == first


def test_import_articles_keeps_blocks_given_in_jsonl(tmp_path):
    """Blocks and sentences in an imported line are stored as given, not re-derived."""
    text = "One. Two.\n\nThree"
    path = tmp_path / "given.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": text,
                "blocks": [
                    {"kind": "paragraph", "start": 0, "end": 9},
                    {"kind": "paragraph", "start": 11, "end": 16},
                ],
                "sentences": [[0, 9], [11, 16]],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    assert list(Sentence.objects.values_list("start", "end")) == [(0, 9), (11, 16)]
    assert list(Block.objects.values_list("kind", flat=True)) == ["paragraph", "paragraph"]


@pytest.mark.parametrize(
    ("blocks", "sentences", "message"),
    [
        (
            [{"kind": "paragraph", "start": 0, "end": 9}],
            [[0, 9], [11, 16]],
            "sentence 11-16 lies in no block",
        ),
        (
            [{"kind": "paragraph", "start": 0, "end": 10}],
            [[0, 9]],
            "block 0-10 starts or ends with whitespace",
        ),
        ([{"kind": "chapter", "start": 0, "end": 9}], [[0, 9]], "a block must be"),
        (
            [{"kind": "paragraph", "start": 0, "end": 9}],
            [[0, 4], [2, 9]],
            "sentence 2-9 is empty, overlaps",
        ),
    ],
)
def test_import_articles_refuses_inconsistent_blocks(tmp_path, blocks, sentences, message):
    """Given blocks and sentences must satisfy the offset invariants."""
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"text": "One. Two.\n\nThree", "blocks": blocks, "sentences": sentences}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=rf"bad\.jsonl:1: {message}"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 0


def test_import_articles_refuses_a_content_hash_that_does_not_match(tmp_path):
    """A declared `content_hash` must be the SHA-256 of the text."""
    path = tmp_path / "hash.jsonl"
    path.write_text(json.dumps({"text": "abc", "content_hash": "0" * 64}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"hash\.jsonl:1: content_hash '0+' does not match"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())


def test_export_articles_query_count_does_not_grow_with_articles():
    """Blocks and sentences are prefetched per chunk: N and 2N articles take the same queries."""
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as small:
        assert len(list(iter_articles_jsonl())) == 3
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as large:
        assert len(list(iter_articles_jsonl())) == 6
    assert len(large) == len(small)
