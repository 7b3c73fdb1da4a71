"""Creating, changing and deleting claims through the one write path."""

import pytest

from annotate.errors import Conflict, Forbidden, InvalidInput, NotFound
from annotate.history import snapshot_attribution
from annotate.models import Attribution, HistoryEntry, Span, Stance
from annotate.selectors import attributions_for_assignment, history_for_attribution
from annotate.services.assignments import submit_assignment
from annotate.services.attributions import (
    StanceData,
    create_attribution,
    delete_attribution,
    update_attribution,
)
from tests.annotate.conftest import claim_data, make_claim


def test_create_attribution_writes_claim_spans_stances_and_history(world):
    claim = make_claim(world)

    assert claim.version == 1
    spans = sorted(Span.objects.filter(attribution=claim).values_list("role", "start", "end"))
    assert [role for role, _s, _e in spans] == ["content", "cue", "source"]
    assert Stance.objects.get(attribution=claim).target_topic == "talks"
    entry = HistoryEntry.objects.get(attribution_id=claim.pk)
    assert entry.action == "attribution.created"
    assert entry.via == "api"
    assert entry.user == world.annotator
    assert entry.annotator == world.annotator
    assert entry.article == world.article
    assert entry.before is None
    assert entry.after["content"] == [list(world.span('"talks will resume soon,"'))]
    assert entry.after["speaker_name"] == "The minister"
    assert entry.after["stances"][0]["polarity"] == "favor"


def test_create_attribution_sorts_content_spans(world):
    second, first = world.span("adding that"), world.span("talks will")
    claim = make_claim(world, content=[second, first], type="mixed")

    snapshot = snapshot_attribution(attributions_for_assignment(world.assignment.pk).get())
    assert claim.pk == snapshot["id"]
    assert snapshot["content"] == [list(first), list(second)]


def test_create_attribution_allows_unknown_speaker(world):
    claim = make_claim(world, speaker_id=None, source=None, cue=None, stances=[])

    assert claim.speaker_id is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ([(10, 10)], r"Span 10-10 is empty: end must be greater than start\."),
        ([(12, 8)], r"Span 12-8 is empty"),
        ([(-1, 5)], r"content span -1-5 lies outside the article"),
        ([(5, 10_000)], r"lies outside the article, whose text runs from 0 to \d+"),
        ([], r"at least one content span"),
        ([("a", 3)], r"not a pair of integer offsets"),
    ],
)
def test_create_attribution_refuses_bad_spans(world, content, message):
    with pytest.raises(InvalidInput, match=message):
        make_claim(world, content=content)
    assert not Attribution.objects.exists()
    assert not HistoryEntry.objects.filter(action="attribution.created").exists()


def test_create_attribution_refuses_whitespace_span(world):
    start = world.article.text.index("   ")
    with pytest.raises(
        InvalidInput, match=rf"content span {start}-{start + 3} holds only whitespace"
    ):
        make_claim(world, content=[(start, start + 3)])


def test_create_attribution_refuses_overlapping_content_spans(world):
    with pytest.raises(InvalidInput, match=r"Content spans 5-20 and 15-30 overlap"):
        make_claim(world, content=[(15, 30), (5, 20)])


def test_create_attribution_refuses_whitespace_cue(world):
    start = world.article.text.index("   ")
    with pytest.raises(InvalidInput, match="cue span"):
        make_claim(world, cue=(start, start + 2))


def test_create_attribution_refuses_value_outside_vocabulary(world):
    with pytest.raises(InvalidInput, match=r"'quoted' is not an active attribution type .*direct"):
        make_claim(world, type="quoted")
    with pytest.raises(InvalidInput, match=r"'love' is not an active stance polarity"):
        make_claim(world, stances=[StanceData(polarity="love", target_topic="x")])
    with pytest.raises(InvalidInput, match=r"'gossip' is not an active claim category"):
        make_claim(world, category="gossip")


def test_create_attribution_refuses_actor_of_another_project(world, make_user):
    from annotate.services.projects import create_actor, create_project

    other = create_project(name="other", user=world.admin)
    stranger = create_actor(project_id=other.pk, user=world.admin, name="Stranger")
    with pytest.raises(InvalidInput, match=rf"Actor {stranger.pk} is not an actor of project"):
        make_claim(world, speaker_id=stranger.pk)


def test_create_attribution_refuses_stance_with_two_or_no_targets(world):
    both = StanceData(polarity="favor", target_actor_id=world.minister.pk, target_topic="talks")
    with pytest.raises(InvalidInput, match=r"exactly one target.*not both"):
        make_claim(world, stances=[both])
    with pytest.raises(InvalidInput, match=r"exactly one target.*not neither"):
        make_claim(world, stances=[StanceData(polarity="favor", target_topic="  ")])


def test_create_attribution_refuses_duplicate_stance_target(world):
    stances = [
        StanceData(polarity="favor", target_actor_id=world.officials.pk),
        StanceData(polarity="against", target_actor_id=world.officials.pk),
    ]
    with pytest.raises(InvalidInput, match="two stances toward 'Officials'"):
        make_claim(world, stances=stances)


def test_create_attribution_nests_inside_parent_content(world):
    parent = make_claim(world, content=[world.span('said that "talks will resume soon,"')])
    child = make_claim(
        world, content=[world.span("talks will resume soon")], nested_in_id=parent.pk
    )
    assert child.nested_in_id == parent.pk


def test_create_attribution_refuses_nesting_outside_parent_content(world):
    parent = make_claim(world, content=[world.span("talks will")])
    with pytest.raises(
        InvalidInput, match=rf"does not lie inside the content of claim {parent.pk}"
    ):
        make_claim(world, content=[world.span("the border was calm")], nested_in_id=parent.pk)


def test_create_attribution_refuses_nesting_in_another_assignment(world):
    foreign = create_attribution(
        assignment_id=world.other_assignment.pk,
        user=world.other_annotator,
        data=claim_data(world),
    )
    with pytest.raises(InvalidInput, match=rf"Claim {foreign.pk} is not a claim of assignment"):
        make_claim(world, nested_in_id=foreign.pk)


def test_update_attribution_refuses_nesting_cycle(world):
    words = world.span("talks will resume soon")
    first = make_claim(world, content=[words])
    second = make_claim(world, content=[words], nested_in_id=first.pk)
    with pytest.raises(InvalidInput, match="would make a cycle"):
        update_attribution(
            attribution_id=first.pk,
            expected_version=1,
            user=world.annotator,
            changes={"nested_in_id": second.pk},
        )


def test_update_attribution_refuses_nesting_in_itself(world):
    claim = make_claim(world)
    with pytest.raises(InvalidInput, match=f"Claim {claim.pk} cannot be nested in itself"):
        update_attribution(
            attribution_id=claim.pk,
            expected_version=1,
            user=world.annotator,
            changes={"nested_in_id": claim.pk},
        )


def test_update_attribution_bumps_version_and_records_before_after(world):
    claim = make_claim(world)

    updated = update_attribution(
        attribution_id=claim.pk,
        expected_version=1,
        user=world.annotator,
        changes={
            "type": "indirect",
            "content": [world.span("talks will resume soon")],
            "stances": [{"polarity": "against", "target_actor_id": world.officials.pk}],
        },
        via="browser",
    )

    assert updated.version == 2
    entry = history_for_attribution(claim.pk).get(action="attribution.updated")
    assert entry.via == "browser"
    assert entry.before["type"] == "direct"
    assert entry.after["type"] == "indirect"
    assert entry.before["version"] == 1
    assert entry.after["version"] == 2
    assert entry.after["content"] == [list(world.span("talks will resume soon"))]
    assert entry.after["stances"] == [
        {
            "target_actor": world.officials.pk,
            "target_name": "Officials",
            "target_topic": "",
            "polarity": "against",
        }
    ]
    fresh = attributions_for_assignment(world.assignment.pk).get()
    assert snapshot_attribution(fresh) == {**entry.after, "updated_at": entry.after["updated_at"]}


def test_update_attribution_refuses_stale_version_naming_user_and_time(world):
    claim = make_claim(world)
    update_attribution(
        attribution_id=claim.pk,
        expected_version=1,
        user=world.reviewer,
        changes={"note": "checked"},
    )
    claim.refresh_from_db()
    when = claim.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")

    with pytest.raises(Conflict, match=rf"changed by reviewer at {when} \(now version 2"):
        update_attribution(
            attribution_id=claim.pk,
            expected_version=1,
            user=world.annotator,
            changes={"note": "mine"},
        )
    claim.refresh_from_db()
    assert claim.note == "checked"


def test_update_attribution_refuses_unknown_field(world):
    claim = make_claim(world)
    with pytest.raises(InvalidInput, match=r"Unknown field.*assignment"):
        update_attribution(
            attribution_id=claim.pk,
            expected_version=1,
            user=world.annotator,
            changes={"assignment": 3},
        )


def test_update_attribution_refuses_content_that_drops_a_nested_claim(world):
    parent = make_claim(world, content=[world.span('said that "talks will resume soon,"')])
    child = make_claim(world, content=[world.span("talks")], nested_in_id=parent.pk)
    with pytest.raises(
        InvalidInput, match=f"no longer contains the content of nested claim {child.pk}"
    ):
        update_attribution(
            attribution_id=parent.pk,
            expected_version=1,
            user=world.annotator,
            changes={"content": [world.span("said that")]},
        )


def test_delete_attribution_unnests_children_and_records_both(world):
    parent = make_claim(world, content=[world.span('said that "talks will resume soon,"')])
    child = make_claim(world, content=[world.span("talks")], nested_in_id=parent.pk)

    delete_attribution(attribution_id=parent.pk, expected_version=1, user=world.annotator)

    assert not Attribution.objects.filter(pk=parent.pk).exists()
    assert not Span.objects.filter(attribution_id=parent.pk).exists()
    child.refresh_from_db()
    assert child.nested_in_id is None
    assert child.version == 2
    deleted = HistoryEntry.objects.get(action="attribution.deleted")
    assert deleted.attribution_id == parent.pk
    assert deleted.before["id"] == parent.pk
    assert deleted.after is None
    unnested = history_for_attribution(child.pk).get(action="attribution.updated")
    assert (unnested.before["nested_in"], unnested.after["nested_in"]) == (parent.pk, None)


def test_delete_attribution_refuses_stale_version(world):
    claim = make_claim(world)
    update_attribution(
        attribution_id=claim.pk, expected_version=1, user=world.annotator, changes={"note": "x"}
    )
    with pytest.raises(Conflict, match="changed by ann1"):
        delete_attribution(attribution_id=claim.pk, expected_version=1, user=world.annotator)
    assert Attribution.objects.filter(pk=claim.pk).exists()


def test_delete_attribution_of_missing_claim_is_not_found(world):
    with pytest.raises(NotFound, match="Claim 999999 does not exist"):
        delete_attribution(attribution_id=999_999, expected_version=1, user=world.annotator)


def test_annotator_cannot_write_another_annotators_assignment(world):
    with pytest.raises(NotFound, match=f"Assignment {world.other_assignment.pk} does not exist"):
        create_attribution(
            assignment_id=world.other_assignment.pk, user=world.annotator, data=claim_data(world)
        )


def test_outsider_cannot_write_claims(world):
    with pytest.raises(NotFound):
        make_claim(world, user=world.outsider)


def test_submitted_assignment_is_read_only_to_its_annotator(world):
    claim = make_claim(world)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)

    with pytest.raises(Forbidden, match="read-only to ann1: it is submitted"):
        make_claim(world)
    with pytest.raises(Forbidden, match="read-only"):
        update_attribution(
            attribution_id=claim.pk,
            expected_version=1,
            user=world.annotator,
            changes={"note": "late"},
        )
    # A reviewer may still correct it.
    update_attribution(
        attribution_id=claim.pk, expected_version=1, user=world.reviewer, changes={"note": "fix"}
    )


def test_create_attribution_refuses_unknown_via(world):
    with pytest.raises(InvalidInput, match="Unknown channel via='email'"):
        create_attribution(
            assignment_id=world.assignment.pk,
            user=world.annotator,
            data=claim_data(world),
            via="email",
        )
