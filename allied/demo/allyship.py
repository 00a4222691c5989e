"""The demo's allyship: the demo programme's suggested training modules, and its mentor
(Amara Nwosu, mentor@northbrook.example) with two dated reflections, the later one shared with
the coordinator, and every module completed, so she is marked allyship trained.

Loaded after `allied.demo.programmes.load_demo_programme`; idempotent: reflections are found by
fixed submission keys, modules by title, completions by (module, person).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.accounts.models import User
from allied.allyship import actions
from allied.allyship.models import Reflection
from allied.core import allyship as model
from allied.demo.programmes import PROGRAMME
from allied.programmes.models import Programme

MENTOR = "mentor@northbrook.example"

REFLECTIONS = (
    {
        "key": "first",
        "days_ago": 120,
        "share": False,
        "ratings": {
            "kindness": 4,
            "courage": 2,
            "believing": 3,
            "challenging": 2,
            "disrupting": 1,
            "humility": 3,
            "authenticity": 4,
            "awareness": 2,
            "no_justifying": 3,
        },
        "texts": {
            "courage": "I stayed quiet in a shortlisting meeting when I should have spoken.",
            "awareness": "I have not thought much about how my own background shapes who I "
            "encourage.",
        },
        "overall": "A starting point. I want to be braver, and to learn rather than ask Kemi "
        "to teach me.",
    },
    {
        "key": "second",
        "days_ago": 20,
        "share": True,
        "ratings": {
            "kindness": 4,
            "courage": 3,
            "believing": 4,
            "challenging": 3,
            "disrupting": 2,
            "humility": 4,
            "authenticity": 4,
            "awareness": 3,
            "no_justifying": 4,
        },
        "texts": {
            "challenging": "I questioned why the band 6 interview panel had no Black members.",
            "humility": "I told Kemi when I did not understand, and read up afterwards.",
        },
        "overall": "Better. Disrupting is still the hardest: I comment more than I change.",
    },
)


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"allied-demo:allyship:{name}")


@transaction.atomic
def load_demo_allyship() -> None:
    """Creates whatever of the demo's allyship is missing; does nothing when the demo
    programme or mentor is not there."""
    programme = Programme.objects.filter(name=PROGRAMME).first()
    mentor = User.objects.filter(email=MENTOR).first()
    if programme is None or mentor is None:
        return
    actions.modules_add_defaults(programme=programme)
    now = timezone.now()
    for spec in REFLECTIONS:
        data = {"overall": spec["overall"]}
        for code in model.CODES:
            data[f"rating_{code}"] = spec["ratings"][code]
            data[f"text_{code}"] = spec["texts"].get(code, "")
        if Reflection.objects.filter(submission=_key(spec["key"])).exists():
            continue
        reflection = actions.reflection_create(
            author=mentor, data=data, submission=_key(spec["key"])
        )
        # auto_now_add stamps now; the demo shows change over months.
        Reflection.objects.filter(pk=reflection.pk).update(
            created_at=now - timedelta(days=spec["days_ago"])
        )
        if spec["share"]:
            actions.reflection_share(reflection=reflection, programme=programme)
    for module in programme.training_modules.all():
        actions.module_complete(module=module, user=mentor)
