"""The review flow in Chromium: a reviewer rejects with a comment, the annotator sees it, fixes the
claim in the workspace and resubmits, the reviewer accepts, then adjudicates the two demo
annotators' work on a seed article into gold."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from annotate.demo import load_demo, password_for
from annotate.history import snapshot_attribution
from annotate.models import Actor, Assignment, Attribution, HistoryEntry, Membership
from annotate.selectors import attributions_for_assignment
from annotate.services.assignments import create_assignment, submit_assignment
from annotate.services.attributions import AttributionData, StanceData, create_attribution
from annotate.services.projects import add_articles, create_actor, create_project, set_membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "The first claim is indirect speech, not mixed: fix its type."
# The last four claims of the demo gold of the fifth seed article: the third is nested in the
# second, the fourth names its speaker.
TAKEN_CLAIMS = 4


def copy_claims(snapshots, *, assignment, user, actors, overrides):
    """Create the annotator's claims from gold snapshots (with per-claim overrides), keeping
    the nesting among the copies."""
    copies: dict[int, Attribution] = {}
    for number, snapshot in enumerate(snapshots):
        changes = overrides.get(number, {})
        speaker = changes.get("speaker", snapshot["speaker_name"])
        data = AttributionData(
            content=[tuple(span) for span in snapshot["content"]],
            source=tuple(snapshot["source"]) if snapshot["source"] else None,
            cue=tuple(snapshot["cue"]) if snapshot["cue"] else None,
            speaker_id=actors[speaker].pk if speaker else None,
            type=changes.get("type", snapshot["type"]),
            stances=[
                StanceData(
                    polarity=stance["polarity"],
                    target_actor_id=actors[stance["target_name"]].pk
                    if stance["target_actor"]
                    else None,
                    target_topic="" if stance["target_actor"] else stance["target_topic"],
                )
                for stance in snapshot["stances"]
            ],
            nested_in_id=copies[snapshot["nested_in"]].pk if snapshot["nested_in"] else None,
        )
        copies[snapshot["id"]] = create_attribution(
            assignment_id=assignment.pk, user=user, data=data, via="api"
        )
    return copies


@pytest.fixture
def adjudication():
    """The demo, plus a project `adjudication` in which the demo annotators labelled one seed
    article: annotator1 got the first claim's type wrong, annotator2 left the last speaker
    unknown; everything else agrees."""
    demo = load_demo().project
    users = {m.user.username: m.user for m in Membership.objects.filter(project=demo)}
    manager, reviewer = users["manager"], users["reviewer"]
    ann1, ann2 = users["annotator1"], users["annotator2"]
    gold = (
        Assignment.objects.filter(project=demo, is_gold=True)
        .select_related("article")
        .order_by("article_id")
        .last()
    )
    snapshots = [snapshot_attribution(c) for c in attributions_for_assignment(gold.pk)]
    snapshots = sorted(snapshots, key=lambda s: s["content"][0][0])[-TAKEN_CLAIMS:]
    assert snapshots[2]["nested_in"] == snapshots[1]["id"]

    admin = get_user_model().objects.get(username="admin")
    project = create_project(name="adjudication", user=admin, annotators_per_article=2)
    set_membership(project_id=project.pk, user=admin, member_id=manager.pk, role="manager")
    set_membership(project_id=project.pk, user=manager, member_id=reviewer.pk, role="reviewer")
    for user in (ann1, ann2):
        set_membership(project_id=project.pk, user=manager, member_id=user.pk, role="annotator")
    add_articles(project_id=project.pk, user=manager, article_ids=[gold.article_id])
    names = {s["speaker_name"] for s in snapshots if s["speaker_name"]} | {
        stance["target_name"]
        for s in snapshots
        for stance in s["stances"]
        if stance["target_actor"]
    }
    actors = {name: create_actor(project_id=project.pk, user=manager, name=name) for name in names}
    first, second = (
        create_assignment(
            project_id=project.pk, article_id=gold.article_id, annotator_id=user.pk, user=manager
        )
        for user in (ann1, ann2)
    )
    copy_claims(
        snapshots, assignment=first, user=ann1, actors=actors, overrides={0: {"type": "mixed"}}
    )
    copy_claims(
        snapshots, assignment=second, user=ann2, actors=actors, overrides={3: {"speaker": None}}
    )
    for assignment, user in ((first, ann1), (second, ann2)):
        submit_assignment(assignment_id=assignment.pk, user=user, via="api")
    return {
        "project": project,
        "article_id": gold.article_id,
        "reviewer": reviewer,
        "ann1": ann1,
        "first": first,
        "second": second,
        "snapshots": snapshots,
    }


def log_in(page, user, next_url):
    page.context.clear_cookies()
    page.goto(f"{reverse('admin:login')}?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password_for(user.username))
    page.click("input[type=submit]")


def test_reviewer_rejects_annotator_fixes_reviewer_accepts_and_adjudicates(page, adjudication):
    reviewer, ann1 = adjudication["reviewer"], adjudication["ann1"]
    first, second = adjudication["first"], adjudication["second"]
    project, article_id = adjudication["project"], adjudication["article_id"]

    # The reviewer's queue lists both submissions; reject annotator1's with a comment.
    log_in(page, reviewer, reverse("admin:annotate_review_queue"))
    page.wait_for_selector("#review-link")
    queue = page.locator(f"section[data-project='{project.pk}']")
    queue.locator(f"tr[data-assignment='{first.pk}'] a.rv-open").click()
    page.wait_for_selector("#rv-text mark.rv-content")
    assert page.locator(".rv-claim").count() == TAKEN_CLAIMS
    # Without a comment the browser refuses the rejection before sending it.
    page.click("#rv-reject")
    assert page.evaluate("document.getElementById('rv-comment-input').validity.customError")
    page.fill("#rv-comment-input", COMMENT)
    page.click("#rv-reject")
    page.wait_for_selector("#rv-status:has-text('rejected')")

    # The annotator sees the comment in the queue and the workspace, fixes the type, resubmits.
    log_in(page, ann1, reverse("admin:annotate_queue"))
    page.wait_for_selector(
        f".aq-row[data-assignment='{first.pk}'] .aq-comment:has-text('{COMMENT}')"
    )
    page.goto(reverse("admin:annotate_workspace", args=[first.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.wait_for_selector(f".aw-banner-rejected:has-text('{COMMENT}')")
    page.keyboard.press("j")
    page.wait_for_selector(".aw-claim.aw-selected")
    page.keyboard.press("e")
    page.wait_for_selector("#aw-draft-title:has-text('Editing claim')")
    for _ in range(3):  # t cycles through the three types
        if page.input_value("#aw-type") == "indirect":
            break
        page.keyboard.press("t")
    assert page.input_value("#aw-type") == "indirect"
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('version 2')")
    page.keyboard.press("Shift+S")
    page.click("#aw-submit-confirm")
    page.wait_for_selector(f".aq-row[data-assignment='{first.pk}'].aq-status-submitted")

    # The reviewer accepts both annotators' work.
    log_in(page, reviewer, reverse("admin:annotate_review_assignment", args=[first.pk]))
    page.wait_for_selector("#rv-status:has-text('submitted')")
    assert page.locator(".rv-claim .rv-type:has-text('mixed')").count() == 0
    page.click("#rv-accept")
    page.wait_for_selector("#rv-status:has-text('accepted')")
    page.goto(reverse("admin:annotate_review_assignment", args=[second.pk]))
    page.click("#rv-accept")
    page.wait_for_selector("#rv-status:has-text('accepted')")

    # Side by side: three claims agree; the fourth differs in its speaker only.
    page.goto(reverse("admin:annotate_review_compare", args=[project.pk, article_id]))
    page.wait_for_selector("#rv-side")
    assert page.locator("tr.rv-row.rv-agreed").count() == TAKEN_CLAIMS - 1
    differing = page.locator("tr.rv-row[data-differs='speaker']")
    assert differing.count() == 1
    assert differing.locator("dd.rv-differs[data-element='speaker']").count() == 2
    page.click("#rv-accept-agreed")
    page.wait_for_selector(".messagelist .success:has-text('3 agreed claim(s) copied into gold')")
    # Merge the last claim: the content from annotator2, the rest (speaker) from annotator1.
    merge = page.locator("details.rv-merge")
    merge.locator("summary").click()
    merge.locator("input[name='from_content'] >> nth=1").check()
    assert merge.locator("input[name='from_speaker'] >> nth=0").is_checked()
    merge.locator("button.rv-merge-submit").click()
    page.wait_for_selector(".messagelist .success:has-text('Claim taken into gold')")
    assert page.locator("tr.rv-row .rv-gold-col .rv-remove").count() == TAKEN_CLAIMS
    page.click("#rv-finish")
    page.wait_for_selector("#rv-gold-status:has-text('gold')")

    # The gold assignment holds the adjudicated claims, nesting carried over.
    gold = Assignment.objects.get(project=project, article_id=article_id, is_gold=True)
    assert (gold.status, gold.annotator_id) == ("gold", reviewer.pk)
    claims = sorted(
        (snapshot_attribution(c) for c in attributions_for_assignment(gold.pk)),
        key=lambda s: s["content"][0][0],
    )
    expected = adjudication["snapshots"]
    assert [c["content"] for c in claims] == [s["content"] for s in expected]
    assert [c["speaker_name"] for c in claims] == [s["speaker_name"] for s in expected]
    assert [c["type"] for c in claims] == [s["type"] for s in expected]
    assert [sorted((st["target_name"], st["polarity"]) for st in c["stances"]) for c in claims] == [
        sorted((st["target_name"], st["polarity"]) for st in s["stances"]) for s in expected
    ]
    assert {c["origin"] for c in claims} == {"adjudicated"}
    assert claims[2]["nested_in"] == claims[1]["id"]
    assert (
        claims[3]["speaker"]
        == Actor.objects.get(project=project, name=expected[3]["speaker_name"]).pk
    )
    merged = HistoryEntry.objects.get(
        attribution_id=claims[3]["id"], action="attribution.adjudicated"
    )
    assert merged.after["annotators"]["speaker"] == "annotator1"
    assert merged.after["annotators"]["content"] == "annotator2"

    # The gold-only export carries exactly the adjudicated version.
    out = StringIO()
    call_command(
        "export_annotations", "--project", "adjudication", "--format", "jsonl", "--gold-only",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()[1:]]
    (exported,) = record["assignments"]
    assert (exported["is_gold"], exported["annotator"]) == (True, "reviewer")
    assert [c["content"] for c in exported["attributions"]] == [s["content"] for s in expected]
    assert [c["speaker"]["name"] for c in exported["attributions"]] == [
        s["speaker_name"] for s in expected
    ]

    # The gold claim's history reads as a timeline with who and where from.
    page.goto(reverse("admin:annotate_review_claim_history", args=[claims[3]["id"]]))
    page.wait_for_selector(".rv-event[data-action='attribution.adjudicated']")
    assert page.locator(".rv-event[data-action='attribution.created'] .rv-diff").count() == 1
    assert page.console_errors == []
