"""Playwright driving Debian's Chromium: never a browser Playwright downloads itself.

The tests drive Debian's `chromium-headless-shell` when it is installed (`make test` installs
it when it can): the same Chromium release as Debian's `chromium`, built as the headless shell
Playwright itself uses for headless runs, and a third cheaper to run (decision 0032). Where only
`chromium` is installed, they drive that."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Error as PlaywrightError

HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "allied" / "web" / "static" / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    """Yields Chromium. While it runs, Playwright's sync API keeps an event loop in this
    thread; the tests' own ORM calls (setting up data, reading results) are still
    synchronous and safe, so Django is told not to refuse them."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's Chromium is not installed: run `apt-get install -y chromium-headless-shell`"
            " (make test does when it can)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser, live_server):
    """Returns a factory of pages, each in a browser context of its own (a separate person).
    Every context is closed before the live server stops and the database is emptied: a
    page still polling then would deadlock PostgreSQL's TRUNCATE."""
    contexts = []

    def make():
        context = browser.new_context(bypass_csp=True, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    # axe-core is injected as a script, which the site's CSP (rightly) forbids; the
    # contexts therefore bypass the CSP.
    return new_page()


def signed_in(page, live_server, user):
    """Returns the page, signed in as the person (with two-factor done when they have it):
    the session a test client made, handed to the browser as its cookie."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


# Every WCAG 2.2 A and AA rule and axe's best practices. Only violations are gathered: the
# rules all run, but axe skips writing up every element that passed.
AXE_RUN = """async () => await axe.run(document, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    resultTypes: ['violations'],
})"""


def inject_axe(page) -> None:
    """Puts axe-core on the page. From the site's own static files where the page is served,
    so Chromium keeps the script compiled between pages; else from the file."""
    if page.url.startswith(("http://", "https://")):
        page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe.min.js"))
    else:
        page.add_script_tag(path=str(AXE))


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Returns axe-core's violations of the given impacts on the page as it is now."""
    for attempt in range(3):
        # A click that navigates returns before the next page loads; if it
        # arrives while axe runs, run axe again on the page that arrived.
        page.wait_for_load_state()
        try:
            inject_axe(page)
            result = page.evaluate(AXE_RUN)
            break
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) or attempt == 2:
                raise
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
