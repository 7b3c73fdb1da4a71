"""Golden round trip on the data shipped in the repo: the demo project's gold annotation."""

import io

import pytest
from django.core.management import call_command

from annotate.models import Attribution, Project
from tests.exports.conftest import open_zip, read_jsonl, run_export
from tests.exports.test_formats import read_ann, read_conll


@pytest.fixture
def demo(db, make_user):
    make_user("root", is_superuser=True)
    call_command("load_demo", stdout=io.StringIO())
    return Project.objects.get(name="demo")


def test_demo_gold_round_trips_through_native_jsonl(demo, tmp_path):
    first = run_export(demo, "jsonl", tmp_path, "--gold-only")
    manifest, _ = read_jsonl(first)
    assert (
        manifest["counts"]["attributions"]
        == Attribution.objects.filter(assignment__project=demo, assignment__status="gold").count()
        > 0
    )
    path = tmp_path / "demo.jsonl"
    path.write_bytes(first)

    call_command(
        "import_annotations",
        str(path),
        "--project",
        "demo copy",
        "--user",
        "root",
        stdout=io.StringIO(),
    )

    second = run_export(Project.objects.get(name="demo copy"), "jsonl", tmp_path, "--gold-only")
    assert second.split(b"\n", 1)[1] == first.split(b"\n", 1)[1]


def test_demo_exports_read_back_in_every_format(demo, tmp_path):
    documents = read_conll(run_export(demo, "bio", tmp_path, "--gold-only"))
    assert any(tag != "O" for d in documents for s in d["sentences"] for _, tag in s)
    archive = open_zip(run_export(demo, "brat", tmp_path, "--gold-only"))
    for name in (n for n in archive.namelist() if n.endswith(".ann")):
        text = archive.read(name[:-4] + ".txt").decode()
        entities, *_ = read_ann(archive.read(name).decode())
        for _, spans, covered in entities.values():
            assert covered == " ".join(text[s:e] for s, e in spans)
