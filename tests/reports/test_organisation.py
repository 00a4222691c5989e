"""The organisation's view across programmes: one row per programme and a total, all through
one disclosure call; admins see every programme, coordinators only their own (who may open
it at all is in tests/programmes/matrix_board.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.programmes.models import Programme
from allied.reports import organisation
from tests.conftest import sign_in
from tests.reports.helpers import DAY, Builder, known_programme

pytestmark = pytest.mark.django_db


def _second_programme(world, now, mentees: int, name="Second programme", coordinated=True):
    b = Builder(world, now)
    b.made = 1000  # distinct email addresses from the first builder's
    b.programme.name = name
    b.programme.save()
    if not coordinated:
        b.programme.coordinators.clear()
    cohort = b.cohort("Only cohort")
    b.places(cohort, "mentee", mentees, completed=now - 5 * DAY)
    return b.programme


def _ours(world):
    """Alder's programmes less the access matrix's world's own (one mentee and one mentor)."""
    return Programme.objects.filter(organisation=world["own"]).exclude(pk=world["programme_own"].pk)


def _row(overview, name):
    return next(line for line in overview.lines if line.label == name)


def test_each_programme_has_a_row_and_the_total_counts_them_all(world):
    now = timezone.now()
    known_programme(world, now)
    _second_programme(world, now, 10)
    view = organisation.overview(world["own"], _ours(world))
    first = dict(_row(view, "Evaluation programme").pairs)
    assert first["Mentees registered"] == "30"  # 28
    assert first["Mentees matched with a mentor"] == "20"
    assert _row(view, "Evaluation programme").matched_share == "67%"
    second = dict(_row(view, "Second programme").pairs)
    assert second["Mentees registered"] == "10"
    assert second["Meetings held"] == "0"
    assert _row(view, "Second programme").matched_share == "0%"
    total = dict(view.total.pairs)
    assert total["Mentees registered"] == "40"  # 38
    assert total["Meetings held"] == "20"


def test_a_small_programme_cannot_be_subtracted_from_the_total(world):
    now = timezone.now()
    known_programme(world, now)
    _second_programme(world, now, 3)
    view = organisation.overview(world["own"], _ours(world))
    small = dict(_row(view, "Second programme").pairs)
    assert small["Mentees registered"] == "*"
    assert _row(view, "Second programme").matched_share == "*"
    big = dict(_row(view, "Evaluation programme").pairs)["Mentees registered"]
    total = dict(view.total.pairs)["Mentees registered"]
    # 31 in all less 28 in the big programme would give the small one's 3 away.
    assert "*" in (big, total)
    for line in (*view.lines, view.total):
        for _, value in line.pairs:
            assert value == "*" or value == "0" or (int(value) >= 8 and int(value) % 5 == 0)


def test_an_admin_sees_every_programme_and_a_coordinator_only_their_own(client, world):
    now = timezone.now()
    known_programme(world, now)
    _second_programme(world, now, 10, name="Someone else's programme", coordinated=False)
    url = reverse("reports:organisation", args=[world["own"].slug])

    sign_in(client, world["alice"])
    content = client.get(url).content.decode()
    assert "Evaluation programme" in content
    assert "Someone else&#x27;s programme" in content
    assert "Every mentoring programme in Alder Trust" in content

    sign_in(client, world["carol"])
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Evaluation programme" in content
    assert "Someone else" not in content
    assert "The mentoring programmes you coordinate" in content
    assert reverse(
        "reports:board", args=[Programme.objects.get(name="Evaluation programme").pk]
    ) in (content)


def test_the_page_explains_the_rule_and_a_coordinator_with_no_programmes_is_told(client, world):
    Programme.objects.filter(organisation=world["own"]).update(name="Alder mentoring")
    for programme in Programme.objects.filter(organisation=world["own"]):
        programme.coordinators.clear()
    sign_in(client, world["carol"])
    content = client.get(reverse("reports:organisation", args=[world["own"].slug])).content.decode()
    assert "* stands for a hidden figure: a count of fewer than 8" in content
    assert "You do not coordinate any programmes in Alder Trust yet." in content


def test_an_unknown_organisation_is_not_found(client, world):
    sign_in(client, world["alice"])
    assert client.get("/organisations/no-such-place/reports/").status_code == 404
