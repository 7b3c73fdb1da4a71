"""Playwright on Debian's Chromium against pytest-django's live server, under a strict CSP."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that it is safe here (the loop never runs Django code).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What Django's admin runs under in its own browser tests: scripts and styles from the site only,
# so an inline script or onclick would fail loudly.
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _add_csp(route):
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    headers = {**response.headers, "content-security-policy": CSP}
    route.fulfill(response=response, headers=headers)


@pytest.fixture
def page(browser, live_server):
    """A 1280x800 page whose documents carry a strict CSP; `page.console_errors` collects script
    errors and CSP violations for the test to assert empty."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    # Generous: CI machines and a loaded laptop stall the browser now and then.
    context.set_default_timeout(20_000)
    context.route("**/*", _add_csp)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message):
        # The browser logs every 4xx answer; the tests expect some (409, 404) and check them.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()
