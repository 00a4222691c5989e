"""The demo mentee opens the picture of their mentoring in a real browser: from their
relationship page, signed in as a newcomer would; the page passes axe-core with no serious
or critical violations, and the picture is an image with its text alternative."""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse

from allied.demo import organisation as demo
from allied.programmes.models import Relationship

# The browser fixtures live in tests/browser/conftest.py; imported so that pytest finds them here.
from tests.browser.conftest import axe_violations, browser, new_page, page  # noqa: F401

SCREENSHOTS = os.environ.get("ALLIED_SCREENSHOTS")  # a folder, to look at the page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_mentee_opens_the_picture_of_their_mentoring(live_server, page):  # noqa: F811
    demo.load_demo(parts=["programmes"])
    email = f"mentee@{demo.DOMAIN}"
    relationship = Relationship.objects.get(
        mentee__user__email=email, status=Relationship.Status.ACTIVE
    )
    page.goto(live_server.url + reverse("accounts:sign_in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your dashboard").wait_for()

    page.goto(live_server.url + reverse("programmes:relationship", args=[relationship.pk]))
    page.get_by_role("link", name="Your mentoring at a glance").click()
    page.get_by_role("heading", name="Your mentoring at a glance", level=1).wait_for()
    picture = page.get_by_role("img", name="my mentoring at a glance")
    assert picture.count() == 1
    assert picture.is_visible()
    assert page.get_by_role("heading", name="Sponsorship").count() == 1
    assert page.get_by_role("link", name="Download the picture as PNG").count() == 1
    assert axe_violations(page) == []
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/picture.png", full_page=True)

    # Printed for a review meeting, it fits one A4 page.
    pdf = page.pdf(format="A4", print_background=True)
    if SCREENSHOTS:
        with open(f"{SCREENSHOTS}/picture.pdf", "wb") as out:
            out.write(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1

    # On a phone the text in the picture stays readable: the drawing keeps a readable width
    # and scrolls sideways in its own region, and the page itself does not.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    drawing = page.get_by_role("img", name="my mentoring at a glance")
    smallest = drawing.evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('text')]"
        ".map(t => t.getBoundingClientRect().height).filter(h => h > 0))"
    )
    assert smallest >= 10, smallest
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name=re.compile("The picture"))
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert "The programme's model: " in page.locator("figcaption").inner_text()
    assert axe_violations(page) == []
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/picture-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the picture as SVG").click()
    assert download.value.suggested_filename == "mentoring-picture.svg"
