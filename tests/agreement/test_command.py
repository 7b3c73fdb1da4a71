"""`manage.py agreement`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args):
    out = StringIO()
    call_command("agreement", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def annotated(review):
    review.claim(review.first)
    review.claim(review.second, type="indirect", speaker_id=review.officials.pk)
    review.submit_both()


def test_agreement_command_prints_tables_by_project_name(review, annotated):
    output = run("--project", "review-test")
    assert "Agreement in project 'review-test'" in output
    assert "Annotators: ann1, ann2" in output
    assert "content span" in output and "token alpha" in output
    assert "ann1 / ann2" in output
    assert "Per article" in output


def test_agreement_command_json_by_project_id_and_article(review, annotated):
    report = json.loads(
        run(
            "--project",
            str(review.project.pk),
            "--format",
            "json",
            "--article",
            str(review.article.pk),
        )
    )
    assert report["article"] == review.article.pk
    assert report["units"]["f1"]["overall"]["f1"] == 1.0
    assert report["labels"]["type"]["percent"] == 0.0
    confusion = report["labels"]["speaker"]["pairs"][0]["confusion"]
    assert confusion["names"] == ["The minister", "Officials"]
    assert confusion["matrix"] == [[0, 1], [0, 0]]


def test_agreement_command_with_nothing_handed_in(review):
    assert "nothing to compare" in run("--project", "review-test")


def test_agreement_command_names_an_unknown_project(review):
    with pytest.raises(CommandError, match="No project named or numbered 'nope'"):
        run("--project", "nope")


def test_agreement_command_refuses_an_article_outside_the_project(review):
    with pytest.raises(CommandError, match="Article 999999 is not in project 'review-test'"):
        run("--project", "review-test", "--article", "999999")


def test_agreement_command_refuses_an_unknown_format(review):
    with pytest.raises(CommandError, match="invalid choice"):
        run("--project", "review-test", "--format", "xml")
