"""The native JSONL round trip: export, import elsewhere, export again: the same body."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotate.models import Assignment, Attribution, HistoryEntry, Project, Stance, VocabularyTerm
from tests.exports.conftest import read_jsonl, run_export


def body(data: bytes) -> bytes:
    return data.split(b"\n", 1)[1]


def import_file(path, project, user="root"):
    out = io.StringIO()
    call_command("import_annotations", str(path), "--project", project, "--user", user, stdout=out)
    return out.getvalue()


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True)


def test_round_trip_into_a_new_project_exports_the_same_body(dataset, root, tmp_path):
    first = run_export(dataset.project, "jsonl", tmp_path)
    path = tmp_path / "first.jsonl"
    path.write_bytes(first)

    summary = import_file(path, "Copy")

    copy = Project.objects.get(name="Copy")
    assert "(created)" in summary
    assert "3 article(s) (0 new), 5 assignment(s), 7 claim(s)" in summary
    second = run_export(copy, "jsonl", tmp_path)
    assert body(second) == body(first)
    assert read_jsonl(second)[0]["sha256"] == read_jsonl(first)[0]["sha256"]


def test_round_trip_keeps_the_split(dataset, root, tmp_path):
    args = ("--split", "train=0.5,test=0.5", "--seed", "9")
    first = run_export(dataset.project, "jsonl", tmp_path, *args)
    path = tmp_path / "split.jsonl"
    path.write_bytes(first)
    import_file(path, "Split copy")

    second = run_export(Project.objects.get(name="Split copy"), "jsonl", tmp_path, *args)
    assert body(second) == body(first)


def test_round_trip_into_a_fresh_instance_creates_articles_and_inactive_users(
    dataset, root, tmp_path
):
    """Simulate another instance: the articles and the annotators are gone before the import."""
    first = run_export(dataset.project, "jsonl", tmp_path)
    path = tmp_path / "first.jsonl"
    path.write_bytes(first)
    # Tear down the source project so its articles and users can go.
    Attribution.objects.filter(nested_in__isnull=False).delete()
    Attribution.objects.all().delete()
    Assignment.objects.all().delete()
    dataset.project.delete()
    for article in dataset.articles:
        article.delete()
    get_user_model().objects.exclude(username="root").delete()

    summary = import_file(path, "Elsewhere")

    assert "3 article(s) (3 new)" in summary
    assert "3 new inactive user(s)" in summary  # ann1, änn2, the reviewer
    ann1 = get_user_model().objects.get(username="Exports-ann1")
    assert not ann1.is_active
    assert not ann1.has_usable_password()
    second = run_export(Project.objects.get(name="Elsewhere"), "jsonl", tmp_path)
    assert body(second) == body(first)


def test_import_records_history_through_the_services(dataset, root, tmp_path):
    path = tmp_path / "first.jsonl"
    path.write_bytes(run_export(dataset.project, "jsonl", tmp_path))

    import_file(path, "Audited")

    copy = Project.objects.get(name="Audited")
    actions = HistoryEntry.objects.filter(project=copy)
    assert actions.filter(action="attribution.created", via="cli").count() == 7
    assert actions.filter(action="assignment.imported", via="cli").count() == 5
    assert actions.filter(action="project.created").count() == 1


def test_import_maps_existing_users_by_username(dataset, root, tmp_path):
    path = tmp_path / "first.jsonl"
    path.write_bytes(run_export(dataset.project, "jsonl", tmp_path))

    summary = import_file(path, "Mapped")

    assert "0 new inactive user(s)" in summary
    copy = Project.objects.get(name="Mapped")
    annotators = set(
        Assignment.objects.filter(project=copy).values_list("annotator__username", flat=True)
    )
    assert annotators == {"Exports-ann1", "Exports-änn2", "Exports-reviewer"}
    assert get_user_model().objects.get(username="Exports-ann1").is_active


def test_import_aborts_on_a_bad_line_and_stores_nothing(dataset, root, tmp_path):
    lines = run_export(dataset.project, "jsonl", tmp_path).decode().splitlines()
    index = next(i for i, line in enumerate(lines) if "Zürich" in line)
    assert '"type": "direct"' in lines[index]
    lines[index] = lines[index].replace('"type": "direct"', '"type": "sarcastic"')
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=rf"bad\.jsonl:{index + 1}: .*sarcastic"):
        import_file(path, "Broken")
    assert not Project.objects.filter(name="Broken").exists()


def test_import_reports_a_line_that_is_not_json(db, root, tmp_path):
    path = tmp_path / "junk.jsonl"
    path.write_text('{"text": "x"}\nnot json\n', encoding="utf-8")

    with pytest.raises(CommandError, match=r"junk\.jsonl:1: The line has no 'content_hash'"):
        import_file(path, "Junk")
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"junk\.jsonl:1: not JSON"):
        import_file(path, "Junk")
    assert not Project.objects.filter(name="Junk").exists()


def test_import_refuses_a_text_that_does_not_match_its_hash(dataset, root, tmp_path):
    lines = run_export(dataset.project, "jsonl", tmp_path).decode().splitlines()
    index = next(i for i, line in enumerate(lines) if "Zürich" in line)
    lines[index] = lines[index].replace("Zürich", "Zurich")
    path = tmp_path / "tampered.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(
        CommandError, match=rf"tampered\.jsonl:{index + 1}: content_hash .* does not match"
    ):
        import_file(path, "Tampered")


def test_round_trip_carries_custom_and_retired_vocabulary(dataset, root, tmp_path):
    project = dataset.project
    VocabularyTerm.objects.create(project=project, kind="polarity", value="sceptical", position=9)
    Stance.objects.filter(target_topic="peace process").update(polarity="sceptical")
    VocabularyTerm.objects.filter(project=project, kind="attribution_type", value="mixed").update(
        is_active=False
    )
    first = run_export(project, "jsonl", tmp_path)
    path = tmp_path / "vocabulary.jsonl"
    path.write_bytes(first)

    import_file(path, "Vocabulary copy")

    copy = Project.objects.get(name="Vocabulary copy")
    terms = dict(VocabularyTerm.objects.filter(project=copy).values_list("value", "is_active"))
    assert terms["sceptical"] is True
    assert terms["mixed"] is False
    assert body(run_export(copy, "jsonl", tmp_path)) == body(first)
