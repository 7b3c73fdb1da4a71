"""An annotator's session in the workspace, in Chromium: queue, selection, keys, conflicts,
access."""

import pytest
from django.urls import reverse

from annotate.models import Actor, Attribution, HistoryEntry
from annotate.services.attributions import update_attribution
from tests.browser.world import PASSWORD, Workspace, build_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The middle of a character's box, found through a DOM Range over the rendered segment: the
# test drags the real mouse between such points, as an annotator does.
CHAR_BOX = """([cp, side]) => {
    const segments = Array.from(document.querySelectorAll('#aw-text .aw-seg'));
    const segment = segments.find((s) => Number(s.dataset.s) <= cp && cp < Number(s.dataset.e));
    const text = segment.firstChild;
    const offsets = AnnotateOffsets.makeOffsetConverter(text.data);
    const local = cp - Number(segment.dataset.s);
    const range = document.createRange();
    range.setStart(text, offsets.toUtf16(local));
    range.setEnd(text, offsets.toUtf16(local + 1));
    segment.scrollIntoView({block: 'center'});
    const box = range.getClientRects()[0];
    return {x: side === 'start' ? box.left + 1 : box.right - 1, y: box.top + box.height / 2};
}"""


@pytest.fixture
def world() -> Workspace:
    return build_workspace()


def log_in(page, user, next_url):
    page.goto(f"{reverse('admin:login')}?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def open_workspace(page, assignment):
    page.goto(reverse("admin:annotate_workspace", args=[assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")


def drag_select(page, start, end):
    """Select article text from code point `start` to `end` (exclusive) with the mouse."""
    first = page.evaluate(CHAR_BOX, [start, "start"])
    last = page.evaluate(CHAR_BOX, [end - 1, "end"])
    page.mouse.move(first["x"], first["y"])
    page.mouse.down()
    page.mouse.move(last["x"], last["y"], steps=5)
    page.mouse.up()


def the_claim(world) -> Attribution:
    return Attribution.objects.prefetch_related("spans", "stances").get(assignment=world.assignment)


def spans(claim, role):
    return sorted((s.start, s.end) for s in claim.spans.all() if s.role == role)


def test_annotator_creates_edits_and_resolves_a_conflict_on_a_claim(page, world):
    text = world.article.text
    log_in(page, world.annotator, reverse("admin:annotate_queue"))
    page.wait_for_selector(".aq-queue[data-ready=true]")
    assert page.locator(".aq-row").count() == 1
    assert page.locator("#my-queue-link").is_visible()

    # n opens the next assignment.
    page.keyboard.press("n")
    page.wait_for_selector("#aw-text[data-ready=true]")
    # At 1280x800 the guidelines start folded; g unfolds them beside the text.
    assert not page.locator(".aw-guidelines-body h1").is_visible()
    page.keyboard.press("g")
    page.wait_for_selector(".aw-guidelines-body h1:has-text('Guidelines')")
    page.keyboard.press("g")

    # One gesture over the split quotation gives a two-part content, inside the curly quotes.
    first_quote = world.span("We will not accept this")
    second_quote = world.span("and we will respond to every provocation")
    drag_select(page, first_quote[0] + 1, second_quote[1] - 2)
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part >> nth=1")
    assert page.locator("#aw-draft-content .aw-part").count() == 2

    # Part of a word snaps to the whole word.
    source = world.span("Bayramov")
    drag_select(page, source[0] + 1, source[1] - 1)
    page.keyboard.press("s")
    cue = world.span("said")
    drag_select(page, cue[0], cue[1] - 1)
    page.keyboard.press("u")
    page.wait_for_selector("#aw-draft-cue .aw-part")

    # A new actor, created in place from the speaker picker.
    page.keyboard.press("p")
    page.keyboard.type("Jeyhun Bayramov")
    page.wait_for_selector("#aw-speaker-list .aw-option:has-text('Create actor')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-new-actor-name:focus")
    page.keyboard.press("Tab")
    page.keyboard.type("person")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('Created actor Jeyhun Bayramov')")

    # Type direct (t cycles indirect -> mixed -> direct); two stances, one by an actor's alias.
    page.keyboard.press("t")
    page.keyboard.press("t")
    assert page.input_value("#aw-type") == "direct"
    page.keyboard.press("a")
    page.keyboard.type("peace process")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-stance-polarity:focus")
    page.keyboard.type("against")
    page.keyboard.press("Enter")
    page.keyboard.press("a")
    page.keyboard.type("MFA")
    page.wait_for_selector("#aw-stance-list .aw-option:has-text('Azerbaijani Foreign Ministry')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-stance-polarity:focus")
    page.keyboard.press("Enter")
    assert page.locator("#aw-stances li").count() == 2

    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('Saved claim')")

    # Reload: the claim is listed, and stored with exact code-point offsets.
    page.reload()
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.wait_for_selector(".aw-claim .aw-claim-speaker:has-text('Jeyhun Bayramov')")
    claim = the_claim(world)
    assert spans(claim, "content") == [first_quote, second_quote]
    assert text[first_quote[0] - 1] == "“"  # the emoji before made UTF-16 offsets larger
    assert spans(claim, "source") == [source]
    assert spans(claim, "cue") == [cue]
    assert claim.type == "direct"
    speaker = Actor.objects.get(pk=claim.speaker_id)
    assert (speaker.name, speaker.kind, speaker.project_id) == (
        "Jeyhun Bayramov",
        "person",
        world.project.pk,
    )
    assert sorted((s.polarity, s.target_topic, s.target_actor_id) for s in claim.stances.all()) == [
        ("against", "peace process", None),
        ("favor", "", world.ministry.pk),
    ]
    created = HistoryEntry.objects.get(action="attribution.created", attribution_id=claim.pk)
    assert (created.via, created.user_id) == ("browser", world.annotator.pk)

    # Edit: select it (j), edit (e), next type (t: direct -> indirect), save.
    page.keyboard.press("j")
    page.wait_for_selector(".aw-claim.aw-selected")
    page.keyboard.press("e")
    page.wait_for_selector("#aw-draft-title:has-text('Editing claim')")
    page.keyboard.press("t")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('version 2')")
    claim.refresh_from_db()
    assert (claim.type, claim.version) == ("indirect", 2)

    # A stale edit: a reviewer changes the note while the annotator edits the type.
    page.keyboard.press("e")
    page.wait_for_selector("#aw-draft-title:has-text('version 2')")
    page.keyboard.press("t")
    update_attribution(
        attribution_id=claim.pk,
        expected_version=2,
        user=world.reviewer,
        changes={"note": "Checked by the reviewer."},
        via="api",
    )
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-conflict[open]")
    theirs = page.inner_text("#aw-conflict-table")
    assert "Checked by the reviewer." in theirs
    assert "mixed" in theirs  # the annotator's draft, side by side with the current version
    page.keyboard.press("Enter")  # reapply my change on top of the current version
    page.wait_for_selector("#aw-message:has-text('version 4')")
    claim.refresh_from_db()
    assert (claim.type, claim.note, claim.version) == ("mixed", "Checked by the reviewer.", 4)

    # Undo restores the values before the last change, keeping the reviewer's note.
    page.keyboard.press("Control+z")
    page.wait_for_selector("#aw-message:has-text('Undone')")
    claim.refresh_from_db()
    assert (claim.type, claim.note) == ("indirect", "Checked by the reviewer.")
    assert page.console_errors == []


def test_delete_and_undo_brings_the_claim_back_with_its_parts(page, world):
    from tests.browser.world import add_claims

    (claim,) = add_claims(world, 1)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.keyboard.press("j")
    page.wait_for_selector(".aw-claim.aw-selected")
    page.keyboard.press("d")
    page.wait_for_selector("#aw-message:has-text('Deleted claim')")
    assert not Attribution.objects.filter(assignment=world.assignment).exists()
    page.keyboard.press("Control+z")
    page.wait_for_selector("#aw-message:has-text('is back')")
    restored = the_claim(world)
    assert restored.pk != claim.pk
    assert spans(restored, "content") == [(0, 16)]
    assert spans(restored, "source") == [world.span("The ministry")]
    assert restored.note == "claim 0"
    assert page.locator(".aw-claim").count() == 1
    assert page.console_errors == []


def test_annotator_cannot_open_another_annotators_assignment(page, world):
    log_in(page, world.annotator, reverse("admin:annotate_queue"))
    page.wait_for_selector(".aq-queue[data-ready=true]")
    response = page.goto(reverse("admin:annotate_workspace", args=[world.other_assignment.pk]))
    assert response.status == 404
    assert page.locator("#aw-text").count() == 0


def test_selection_snaps_to_the_inside_of_a_straight_quote_it_mostly_covers(page, world):
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    inner = world.span("a provocation that nobody wanted")
    drag_select(page, world.span("provocation", 1)[0], world.span("nobody wanted")[1])
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part")
    assert page.inner_text("#aw-draft-content .aw-part small") == f"{inner[0]}\N{EN DASH}{inner[1]}"


def test_a_small_selection_inside_a_quote_snaps_to_words_only(page, world):
    """A claim nested in a quotation must stay selectable: no snapping to the whole quote."""
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    words = world.span("will respond")
    drag_select(page, words[0] + 2, words[1] - 2)
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part")
    assert page.inner_text("#aw-draft-content .aw-part small") == f"{words[0]}\N{EN DASH}{words[1]}"


def test_keyboard_extends_a_selection_word_by_word(page, world):
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    officials = world.span("Officials")
    drag_select(page, officials[0], officials[1])
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("s")
    page.wait_for_selector("#aw-draft-source .aw-part")
    expected = world.span("Officials denied")
    assert (
        page.inner_text("#aw-draft-source .aw-part small")
        == f"{expected[0]}\N{EN DASH}{expected[1]}"
    )


def test_annotator_submits_from_the_workspace_after_confirming(page, world):
    from tests.browser.world import add_claims

    add_claims(world, 1)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.keyboard.press("Shift+S")
    page.wait_for_selector("#aw-submit[open]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".aq-queue[data-ready=true]")
    world.assignment.refresh_from_db()
    assert world.assignment.status == "submitted"
    assert page.inner_text(".aq-row .aq-status") == "submitted"
    submitted = HistoryEntry.objects.get(action="assignment.submitted")
    assert submitted.via == "browser"


def test_a_stale_delete_deletes_nothing_and_shows_the_current_version(page, world):
    from tests.browser.world import add_claims

    (claim,) = add_claims(world, 1)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.keyboard.press("j")
    page.wait_for_selector(".aw-claim.aw-selected")
    update_attribution(
        attribution_id=claim.pk,
        expected_version=1,
        user=world.reviewer,
        changes={"type": "direct"},
        via="api",
    )
    page.keyboard.press("d")
    page.wait_for_selector("#aw-message:has-text('Not deleted')")
    assert Attribution.objects.filter(pk=claim.pk).exists()
    page.wait_for_selector(".aw-claim.aw-selected .aw-type:has-text('direct')")
    page.keyboard.press("d")  # now on the current version
    page.wait_for_selector("#aw-message:has-text('Deleted claim')")
    assert not Attribution.objects.filter(pk=claim.pk).exists()
    deleted = HistoryEntry.objects.get(action="attribution.deleted", attribution_id=claim.pk)
    assert deleted.via == "browser"


def test_a_claim_nested_by_keys_is_stored_and_shown_under_its_parent(page, world):
    from tests.browser.world import add_claims

    (parent,) = add_claims(world, 1)  # content: "Talks in Baku 🇦🇿"
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    drag_select(page, *world.span("Baku"))
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part")
    page.keyboard.press("i")
    page.wait_for_selector("#aw-parent:focus")
    page.keyboard.press("ArrowDown")  # the first claim after "top level"
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('Saved claim')")
    child = Attribution.objects.exclude(pk=parent.pk).get(assignment=world.assignment)
    assert child.nested_in_id == parent.pk
    assert spans(child, "content") == [world.span("Baku")]
    nested = page.locator(f".aw-claim[data-id='{parent.pk}'] > ul > .aw-claim")
    assert nested.get_attribute("data-id") == str(child.pk)
    assert nested.get_attribute("aria-level") == "2"


def test_r_reloads_claims_changed_elsewhere(page, world):
    from tests.browser.world import add_claims

    (claim,) = add_claims(world, 1)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.wait_for_selector(".aw-claim .aw-type:has-text('indirect')")
    update_attribution(
        attribution_id=claim.pk,
        expected_version=1,
        user=world.reviewer,
        changes={"type": "mixed"},
        via="api",
    )
    page.keyboard.press("r")
    page.wait_for_selector(".aw-claim .aw-type:has-text('mixed')")
    assert page.console_errors == []


def test_a_submitted_assignment_opens_read_only_without_script_errors(page, world):
    from annotate.services.assignments import submit_assignment
    from tests.browser.world import add_claims

    add_claims(world, 2)
    submit_assignment(assignment_id=world.assignment.pk, user=world.annotator)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    assert page.locator("#aw-readonly").is_visible()
    assert page.locator("#aw-draft").count() == 0
    page.keyboard.press("j")
    page.wait_for_selector(".aw-claim.aw-selected .aw-claim-parts")
    page.keyboard.press("d")
    page.wait_for_selector("#aw-message:has-text('read-only')")
    assert Attribution.objects.filter(assignment=world.assignment).count() == 2
    page.keyboard.press("Escape")
    assert page.console_errors == []


def test_pages_run_under_a_csp_that_refuses_inline_script(page, world):
    """The harness is honest: the CSP the other tests run under does block inline script."""
    log_in(page, world.annotator, reverse("admin:annotate_queue"))
    page.wait_for_selector(".aq-queue[data-ready=true]")
    response = page.goto(reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#aw-text[data-ready=true]")  # our scripts ran
    blocked = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true';
            document.body.append(script);
            return window.inlineRan === undefined;
        }"""
    )
    assert blocked


def test_editing_removes_parts_and_stances_with_keys(page, world):
    from tests.browser.world import add_claims

    (claim,) = add_claims(world, 1)  # with source, cue and one stance
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_selector("#aw-draft-title:has-text('Editing claim')")
    page.keyboard.press("Backspace")  # the cue
    page.keyboard.press("Backspace")  # the source
    page.keyboard.press("Shift+A")  # the stance
    page.keyboard.press("Enter")
    page.wait_for_selector("#aw-message:has-text('version 2')")
    claim = the_claim(world)
    assert spans(claim, "cue") == spans(claim, "source") == []
    assert spans(claim, "content") == [(0, 16)]
    assert list(claim.stances.all()) == []
    assert page.console_errors == []


def test_a_new_draft_is_kept_when_asked_to_edit_another_claim(page, world):
    from tests.browser.world import add_claims

    add_claims(world, 1)
    log_in(page, world.annotator, reverse("admin:annotate_workspace", args=[world.assignment.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    drag_select(page, *world.span("Officials denied the report"))
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_selector("#aw-message:has-text('before editing another claim')")
    assert page.inner_text("#aw-draft-title") == "New claim"
    assert page.locator("#aw-draft-content .aw-part").count() == 1
    page.keyboard.press("n")
    page.wait_for_selector("#aw-message:has-text('before moving to the next article')")
    assert page.locator("#aw-text[data-ready=true]").count() == 1
