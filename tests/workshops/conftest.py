import pytest
from django.test import Client
from django.urls import reverse

from allied.accounts.models import Role
from allied.workshops.models import Question, StaffRole, Workshop, WorkshopStaff


@pytest.fixture
def workshop(org, fay):
    """A draft workshop in Alder Trust with two questions, led by Fay."""
    w = Workshop.objects.create(
        organisation=org,
        title="What matters in mentoring",
        briefing="Earlier findings.",
        created_by=fay,
    )
    Question.objects.create(workshop=w, order=1, text="What is important in mentoring?", k=3)
    Question.objects.create(workshop=w, order=2, text="What is important for allyship?", k=3)
    WorkshopStaff.objects.create(workshop=w, user=fay, role=StaffRole.LEAD)
    return w


@pytest.fixture
def other_workshop(other_org, olga):
    w = Workshop.objects.create(organisation=other_org, title="Birch workshop", created_by=olga)
    Question.objects.create(workshop=w, order=1, text="Birch question")
    return w


def join(workshop, consent=True):
    """Returns a browser (test client) that has joined the workshop by its code."""
    browser = Client()
    browser.post(
        reverse("workshops:join_code", args=[workshop.join_code]),
        {"consent": "on"} if consent else {},
    )
    return browser


@pytest.fixture
def facilitator(client, signed_in, fay):
    signed_in(fay)
    return client


@pytest.fixture
def nina(make_person, org):
    """A note-taker in Alder Trust."""
    return make_person("nina@alder.example", "Nina Notes", org, Role.FACILITATOR)
