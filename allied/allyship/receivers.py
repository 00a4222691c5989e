"""How allyship reacts to what programmes announce (`allied.programmes.signals`, `allied.mentoring.signals`)."""

from __future__ import annotations

from allied.allyship import actions
from allied.programmes.models import Side


def place_added(*, place, **_) -> None:
    if place.side == Side.MENTOR:
        actions.training_sync(user=place.user, programme=place.cohort.programme)


def review_submitted(*, review, data, **_) -> None:
    actions.feedback_record(review=review, data=data)
