"""Projects, members, vocabularies and actors, with their history."""

import pytest

from annotate.errors import Conflict, Forbidden, InvalidInput, NotFound
from annotate.models import Actor, HistoryEntry, Stance, VocabularyTerm
from annotate.selectors import history_for_attribution, project_by_name_or_id
from annotate.services.attributions import StanceData
from annotate.services.projects import (
    create_actor,
    create_project,
    merge_actors,
    set_membership,
    set_vocabulary_term,
    update_actor,
    update_project,
)
from tests.annotate.conftest import make_claim


def test_create_project_has_default_vocabulary_and_manager(world):
    values = set(VocabularyTerm.objects.filter(project=world.project).values_list("kind", "value"))
    assert ("polarity", "favor") in values
    assert ("attribution_type", "mixed") in values
    assert ("category", "topic_report") in values
    assert HistoryEntry.objects.filter(action="project.created", project=world.project).exists()


def test_create_project_refuses_taken_name_and_bad_k(world):
    with pytest.raises(Conflict, match="A project named 'test' already exists"):
        create_project(name="test", user=world.admin)
    with pytest.raises(InvalidInput, match=r"at least one annotator \(k >= 1\)"):
        create_project(name="new", user=world.admin, annotators_per_article=0)


def test_create_project_needs_permission(world):
    with pytest.raises(Forbidden, match="permission to add projects"):
        create_project(name="mine", user=world.annotator)


def test_update_project_bumps_guidelines_version_and_records_change(world):
    project = update_project(
        project_id=world.project.pk, user=world.manager, changes={"guidelines": "# New"}
    )
    assert project.guidelines_version == 2
    entry = HistoryEntry.objects.get(action="project.updated")
    assert entry.before == {"guidelines": "", "guidelines_version": 1}
    assert entry.after == {"guidelines": "# New", "guidelines_version": 2}


def test_reviewer_cannot_update_project(world):
    with pytest.raises(Forbidden, match="reviewer in project 'test'; this needs the manager role"):
        update_project(
            project_id=world.project.pk, user=world.reviewer, changes={"is_blind": False}
        )


def test_outsider_does_not_see_project(world):
    with pytest.raises(NotFound, match=f"Project {world.project.pk} does not exist"):
        update_project(project_id=world.project.pk, user=world.outsider, changes={})


def test_last_manager_cannot_be_demoted(world, make_user):
    set_membership(
        project_id=world.project.pk, user=world.admin, member_id=world.admin.pk, role="annotator"
    )
    with pytest.raises(InvalidInput, match="manager is the last manager"):
        set_membership(
            project_id=world.project.pk,
            user=world.manager,
            member_id=world.manager.pk,
            role="reviewer",
        )


def test_vocabulary_term_added_and_deactivated(world):
    set_vocabulary_term(
        project_id=world.project.pk, user=world.manager, kind="polarity", value="mixed-feelings"
    )
    make_claim(world, stances=[StanceData(polarity="mixed-feelings", target_topic="talks")])
    set_vocabulary_term(
        project_id=world.project.pk,
        user=world.manager,
        kind="polarity",
        value="mixed-feelings",
        is_active=False,
    )
    with pytest.raises(InvalidInput, match="'mixed-feelings' is not an active stance polarity"):
        make_claim(world, stances=[StanceData(polarity="mixed-feelings", target_topic="x")])
    world.project.refresh_from_db()
    assert world.project.vocabulary_version == 3
    assert HistoryEntry.objects.filter(action="vocabulary.set").count() == 2


def test_vocabulary_value_must_be_a_slug(world):
    with pytest.raises(InvalidInput, match="'Strongly For' must be a lowercase slug"):
        set_vocabulary_term(
            project_id=world.project.pk, user=world.manager, kind="polarity", value="Strongly For"
        )


def test_create_actor_refuses_duplicate_name_and_unknown_kind(world):
    with pytest.raises(Conflict, match="An actor named 'Officials' already exists"):
        create_actor(project_id=world.project.pk, user=world.annotator, name="  Officials ")
    with pytest.raises(InvalidInput, match="'alien' is not an actor kind"):
        create_actor(project_id=world.project.pk, user=world.annotator, name="X", kind="alien")


def test_annotator_cannot_rename_actor(world):
    with pytest.raises(Forbidden):
        update_actor(actor_id=world.minister.pk, user=world.annotator, changes={"name": "M"})


def test_merge_actors_moves_claims_and_records_each(world):
    duplicate = create_actor(project_id=world.project.pk, user=world.annotator, name="Minister")
    spoken = make_claim(world, speaker_id=duplicate.pk)
    about = make_claim(
        world,
        speaker_id=world.officials.pk,
        stances=[StanceData(polarity="against", target_actor_id=duplicate.pk)],
    )

    target = merge_actors(source_id=duplicate.pk, target_id=world.minister.pk, user=world.reviewer)

    assert "Minister" in target.aliases
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    spoken.refresh_from_db()
    assert (spoken.speaker_id, spoken.version) == (world.minister.pk, 2)
    assert Stance.objects.get(attribution=about).target_actor_id == world.minister.pk
    moved = history_for_attribution(spoken.pk).get(action="attribution.updated")
    assert (moved.before["speaker_name"], moved.after["speaker_name"]) == (
        "Minister",
        "The minister",
    )
    moved_stance = history_for_attribution(about.pk).get(action="attribution.updated")
    assert moved_stance.after["stances"][0]["target_actor"] == world.minister.pk
    assert HistoryEntry.objects.filter(action="actor.merged").count() == 1


def test_merge_actors_refuses_conflicting_stances(world):
    stances = [
        StanceData(polarity="favor", target_actor_id=world.minister.pk),
        StanceData(polarity="against", target_actor_id=world.officials.pk),
    ]
    claim = make_claim(world, speaker_id=None, stances=stances)
    with pytest.raises(
        InvalidInput, match=f"Claim {claim.pk} has stances toward both 'Officials' \\(against\\)"
    ):
        merge_actors(source_id=world.officials.pk, target_id=world.minister.pk, user=world.reviewer)
    assert Actor.objects.filter(pk=world.officials.pk).exists()


def test_project_by_name_or_id(world):
    assert project_by_name_or_id("test") == world.project
    assert project_by_name_or_id(str(world.project.pk)) == world.project
    with pytest.raises(NotFound, match=r"No project named or numbered 'nope' \(projects: test\)"):
        project_by_name_or_id("nope")


def test_membership_change_is_recorded(world):
    set_membership(
        project_id=world.project.pk,
        user=world.manager,
        member_id=world.other_annotator.pk,
        role="reviewer",
        via="admin",
    )
    entry = HistoryEntry.objects.filter(action="membership.set").latest("id")
    assert entry.before == {"user": "ann2", "role": "annotator"}
    assert entry.after == {"user": "ann2", "role": "reviewer"}
    assert (entry.user, entry.via) == (world.manager, "admin")


def test_actor_update_is_recorded(world):
    update_actor(
        actor_id=world.minister.pk,
        user=world.reviewer,
        changes={"aliases": ["the foreign minister"]},
    )
    entry = HistoryEntry.objects.get(action="actor.updated")
    assert entry.before == {"aliases": []}
    assert entry.after == {"aliases": ["the foreign minister"]}
