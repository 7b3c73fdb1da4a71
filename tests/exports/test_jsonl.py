import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotate.exports import ExportFilters, ExportOptions, write_export
from annotate.exports.records import QUERIES_PER_CHUNK, iter_documents
from annotate.models import Attribution
from tests.exports.conftest import aware, make_claim, read_jsonl, run_export


def test_jsonl_export_starts_with_the_manifest(dataset, tmp_path):
    manifest, lines = read_jsonl(run_export(dataset.project, "jsonl", tmp_path))

    assert manifest["format"] == "jsonl"
    assert manifest["project"] == {"id": dataset.project.pk, "name": "Exports"}
    assert manifest["guidelines_version"] == 1
    assert manifest["vocabulary_version"] == 1
    assert [t["value"] for t in manifest["vocabulary"]["polarity"]] == [
        "favor",
        "against",
        "neutral",
    ]
    assert manifest["counts"] == {
        "articles": 3,
        "assignments": 5,
        "attributions": 7,
        "spans": 20,
        "stances": 4,
    }
    assert manifest["generator"]["version"] == 1
    assert len(lines) == 3


def test_jsonl_manifest_checksum_covers_the_body(dataset, tmp_path):
    data = run_export(dataset.project, "jsonl", tmp_path)
    _, body = data.split(b"\n", 1)

    manifest, _ = read_jsonl(data)

    assert manifest["sha256"] == hashlib.sha256(body).hexdigest()


def test_jsonl_export_is_the_same_bytes_twice(dataset, tmp_path):
    assert run_export(dataset.project, "jsonl", tmp_path) == run_export(
        dataset.project, "jsonl", tmp_path
    )


def test_jsonl_articles_are_ordered_by_content_hash(dataset, tmp_path):
    _, lines = read_jsonl(run_export(dataset.project, "jsonl", tmp_path))

    assert [line["content_hash"] for line in lines] == sorted(
        article.content_hash for article in dataset.articles
    )


def test_jsonl_line_keeps_every_part_of_a_claim(dataset, tmp_path):
    _, lines = read_jsonl(run_export(dataset.project, "jsonl", tmp_path))
    line = next(line for line in lines if line["external_id"] == "az-001")
    text = line["text"]
    assert line["metadata"] == {"source": "AzerNews", "tags": ["diplomacy", "ß"]}
    assert line["blocks"][0] == ["heading", 0, 23]
    assert all(text[s:e].strip() == text[s:e] for s, e in line["sentences"])

    ann1 = next(a for a in line["assignments"] if a["annotator"] == "Exports-ann1")
    assert ann1["status"] == "accepted"
    assert ann1["reviewed_by"] == "Exports-reviewer"
    assert ann1["review_comment"] == "Fine — “good”."
    outer = next(c for c in ann1["attributions"] if len(c["content"]) == 2)
    assert [text[s:e] for s, e in outer["content"]] == [
        "The ‘blockade’ claims of the Armenian side 🙄 do not reflect the truth",  # noqa: RUF001
        "and Zürich talks will go on.",
    ]
    assert text[slice(*outer["source"])] == "he"
    assert text[slice(*outer["cue"])] == "said"
    assert outer["speaker"] == {
        "name": "Jeyhun Bayramov",
        "kind": "person",
        "aliases": ["Bayramov", "FM"],
        "description": "",
    }
    assert outer["stances"] == [
        {
            "target_actor": {
                "name": "Armenia",
                "kind": "country",
                "aliases": [],
                "description": "",
            },
            "target_topic": "",
            "polarity": "against",
        },
        {"target_actor": None, "target_topic": "peace process", "polarity": "favor"},
    ]
    assert (outer["type"], outer["category"], outer["confidence"]) == ("direct", "statement", 0.75)
    assert outer["note"] == "Split quote;\tsee line 2\nsecond line"
    assert outer["created_by"] == "Exports-ann1"
    nested = next(c for c in ann1["attributions"] if c["nested_in"] is not None)
    assert nested["nested_in"] == outer["id"]
    assert text[slice(*nested["content"][0])] == "‘blockade’ claims"  # noqa: RUF001


def test_jsonl_gold_only_keeps_the_gold_version(dataset, tmp_path):
    _, lines = read_jsonl(run_export(dataset.project, "jsonl", tmp_path, "--gold-only"))

    assert len(lines) == 1
    assert [(a["annotator"], a["is_gold"]) for a in lines[0]["assignments"]] == [
        ("Exports-reviewer", True)
    ]


def test_jsonl_filters_by_status_and_annotator(dataset, tmp_path):
    manifest, lines = read_jsonl(
        run_export(
            dataset.project,
            "jsonl",
            tmp_path,
            "--status",
            "accepted,in_progress",
            "--annotator",
            "Exports-ann1",
        )
    )

    statuses = sorted(a["status"] for line in lines for a in line["assignments"])
    assert statuses == ["accepted", "in_progress"]
    assert manifest["filters"]["status"] == ["accepted", "in_progress"]
    assert manifest["filters"]["annotator"] == ["Exports-ann1"]


def test_jsonl_filters_by_date_of_the_last_change(dataset, tmp_path):
    claim = Attribution.objects.filter(assignment=dataset.assignments["a3"]).first()
    Attribution.objects.filter(pk=claim.pk).update(updated_at=aware(2031, 5, 1))

    _, lines = read_jsonl(run_export(dataset.project, "jsonl", tmp_path, "--since", "2031-01-01"))
    _, before = read_jsonl(
        run_export(dataset.project, "jsonl", tmp_path, "--until", "2031-01-01T00:00:00Z")
    )

    assert [(a["annotator"], a["status"]) for line in lines for a in line["assignments"]] == [
        ("Exports-ann1", "in_progress")
    ]
    assert sum(len(line["assignments"]) for line in before) == 4


def test_export_refuses_an_unknown_status(dataset, tmp_path):
    with pytest.raises(CommandError, match="Unknown status finished"):
        run_export(dataset.project, "jsonl", tmp_path, "--status", "finished")


def test_export_refuses_an_unknown_project(db, tmp_path):
    with pytest.raises(CommandError, match="No project with id or name 'nope'"):
        call_command("export_annotations", "--project", "nope", "--format", "jsonl")


def test_export_finds_the_project_by_name(dataset, tmp_path):
    out = tmp_path / "by-name.jsonl"
    call_command(
        "export_annotations",
        "--project",
        "Exports",
        "--format",
        "jsonl",
        "--out",
        str(out),
        stderr=__import__("io").StringIO(),
    )
    assert read_jsonl(out.read_bytes())[0]["project"]["name"] == "Exports"


def test_export_leaves_no_file_when_it_fails(dataset, tmp_path):
    out = tmp_path / "never.jsonl"
    with pytest.raises(CommandError, match=r"ratios sum to 0\.9"):
        call_command(
            "export_annotations",
            "--project",
            "Exports",
            "--format",
            "jsonl",
            "--split",
            "train=0.8,test=0.1",
            "--out",
            str(out),
        )
    assert list(tmp_path.iterdir()) == []


def _queries_for(project, chunk_size):
    with CaptureQueriesContext(connection) as context:
        documents = list(iter_documents(project.pk, ExportFilters(), chunk_size=chunk_size))
    return len(documents), len(context.captured_queries)


def test_export_queries_per_chunk_are_constant(dataset):
    """Memory-flatness proxy: a chunk of articles costs the same queries whatever it holds."""
    articles, one_chunk = _queries_for(dataset.project, chunk_size=10)
    assert articles == 3
    # The ordered article ids, then one chunk.
    assert one_chunk == 1 + QUERIES_PER_CHUNK

    for _ in range(5):
        make_claim(dataset.assignments["a3"], content=["the talks"], cue="welcomed")
        make_claim(
            dataset.assignments["a4"], content=["the weather"], speaker=dataset.actors["armenia"]
        )
    _, more_claims = _queries_for(dataset.project, chunk_size=10)
    assert more_claims == 1 + QUERIES_PER_CHUNK


def test_export_queries_grow_with_chunks_not_rows(dataset):
    _, three_chunks = _queries_for(dataset.project, chunk_size=1)
    # The ordered article ids, then three chunks of one article (a chunk skips the queries it
    # has no ids for).
    assert three_chunks <= 1 + 3 * QUERIES_PER_CHUNK


def test_write_export_runs_without_the_command(dataset, tmp_path):
    path = tmp_path / "direct.jsonl"
    with path.open("wb") as out:
        manifest = write_export(dataset.project, ExportOptions(format="jsonl", chunk_size=1), out)
    assert manifest["counts"]["articles"] == 3
    assert timezone.now()
