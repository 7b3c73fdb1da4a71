"""Screenshots of the queue and the workspace for docs/ (run with WORKSPACE_SCREENSHOTS=1).

They are taken on the demo data (`load_demo`), at 1280x800 as the issue asks.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotate.demo import password_for
from annotate.models import Assignment
from tests.browser.test_workspace import drag_select

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("WORKSPACE_SCREENSHOTS") != "1",
        reason="writes docs/screenshots/; set WORKSPACE_SCREENSHOTS=1 to refresh them",
    ),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def log_in(page, username, next_url):
    page.goto(f"{reverse('admin:login')}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password_for(username))
    page.click("input[type=submit]")


def test_take_screenshots_of_the_queue_and_the_workspace(page):
    call_command("load_demo", verbosity=0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, "annotator1", reverse("admin:annotate_queue"))
    page.wait_for_selector(".aq-queue[data-ready=true]")
    page.keyboard.press("j")
    page.screenshot(path=str(SCREENSHOTS / "queue.png"))

    gold = (
        Assignment.objects.filter(is_gold=True, article__text__contains="I am glad")
        .order_by("id")
        .first()
    )
    page.context.clear_cookies()
    log_in(page, "reviewer", reverse("admin:annotate_workspace", args=[gold.pk]))
    page.wait_for_selector("#aw-text[data-ready=true]")
    # A claim nested in a quotation, selected (all its parts lit), and a draft in progress
    # over the quotation's last sentence.
    page.click(".aw-claims ul .aw-claim-row >> nth=0")
    page.wait_for_selector(".aw-claim.aw-selected")
    text = gold.article.text
    start = text.index("We also discussed the possibilities")
    drag_select(page, start, text.index("cooperation,", start) + len("cooperation"))
    page.keyboard.press("c")
    page.wait_for_selector("#aw-draft-content .aw-part")
    page.screenshot(path=str(SCREENSHOTS / "workspace.png"))

    page.keyboard.press("g")
    page.wait_for_selector(".aw-guidelines-body h1")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(SCREENSHOTS / "workspace-wide.png"))
    page.keyboard.press("g")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.keyboard.press("?")
    page.wait_for_selector("#aw-help[open]")
    page.screenshot(path=str(SCREENSHOTS / "help.png"))
    assert page.console_errors == []
