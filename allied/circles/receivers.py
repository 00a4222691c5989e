"""How circles react to what programmes announce (`allied.mentoring.signals`)."""

from __future__ import annotations

from allied.circles import actions


def participant_withdrawn(*, place, by, request=None, **_) -> None:
    actions.participant_left(place=place, by=by, request=request)
