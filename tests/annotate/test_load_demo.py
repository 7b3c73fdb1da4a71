"""`manage.py load_demo` builds the demo project through the services, once."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from annotate.models import Actor, Assignment, Attribution, HistoryEntry, Stance


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_imports_articles_and_gold_claims(demo):
    assert "5 articles (5 new)" in demo
    assert "99 new gold claims with 66 stances" in demo
    gold = Assignment.objects.filter(project__name="demo", is_gold=True)
    assert gold.count() == 5
    assert set(gold.values_list("status", flat=True)) == {"gold"}
    assert set(gold.values_list("annotator__username", flat=True)) == {"reviewer"}
    assert Attribution.objects.filter(assignment__in=gold).count() == 99
    assert Stance.objects.filter(attribution__assignment__in=gold).count() == 66
    assert Attribution.objects.filter(nested_in__isnull=False).count() == 10
    assert Attribution.objects.filter(speaker__isnull=True).count() == 10
    assert Attribution.objects.filter(type="direct").count() == 4
    assert Attribution.objects.filter(category="topic_report").count() == 33
    assert Attribution.objects.filter(category="expressive").count() == 10


def test_load_demo_gives_each_article_to_both_annotators(demo):
    regular = Assignment.objects.filter(project__name="demo", is_gold=False)
    assert regular.count() == 10
    assert set(regular.values_list("annotator__username", flat=True)) == {
        "annotator1",
        "annotator2",
    }
    assert not Attribution.objects.filter(assignment__in=regular).exists()


def test_load_demo_makes_joint_speakers_group_actors_and_resolves_targets(demo):
    joint = Actor.objects.get(name="Jeyhun Bayramov and Bik Lum")
    assert joint.kind == "group"
    assert Actor.objects.get(name="Armenia").kind == "country"
    assert Stance.objects.filter(target_actor__name="Armenia").count() == 14
    assert Stance.objects.filter(target_topic="peace process").count() == 5


def test_load_demo_records_history_via_cli(demo):
    created = HistoryEntry.objects.filter(action="attribution.created")
    assert created.count() == 99
    assert set(created.values_list("via", flat=True)) == {"cli"}
    assert HistoryEntry.objects.filter(action="assignment.gold").count() == 5


def test_load_demo_prints_logins_that_work(demo):
    for username in ("admin", "manager", "reviewer", "annotator1", "annotator2"):
        assert f"demo-{username}" in demo
        assert authenticate(username=username, password=f"demo-{username}") is not None


def test_load_demo_twice_changes_nothing(demo):
    counts = (
        HistoryEntry.objects.count(),
        Attribution.objects.count(),
        Assignment.objects.count(),
        Actor.objects.count(),
    )
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 new gold claims" in out.getvalue()
    assert counts == (
        HistoryEntry.objects.count(),
        Attribution.objects.count(),
        Assignment.objects.count(),
        Actor.objects.count(),
    )


def test_load_demo_refuses_folder_without_gold(db, tmp_path):
    with pytest.raises(CommandError, match=r"has no seeds\.gold\.jsonl"):
        call_command("load_demo", data=str(tmp_path), stdout=StringIO())


def test_load_demo_reports_bad_gold_line_and_writes_nothing(db, tmp_path, settings):
    import shutil

    source = settings.BASE_DIR / "demo_data"
    shutil.copytree(source / "seeds", tmp_path / "seeds")
    shutil.copy(source / "GUIDELINES.md", tmp_path)
    lines = (source / "seeds.gold.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"end": 510', '"end": 99999')
    (tmp_path / "seeds.gold.jsonl").write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(
        CommandError,
        match=r"seeds.gold.jsonl:3 \(000-a3\): The content span 355-99999 lies outside",
    ):
        call_command("load_demo", data=str(tmp_path), stdout=StringIO())
    assert not Attribution.objects.exists()
    assert not HistoryEntry.objects.exists()
