"""Objects the outcomes area's access-matrix rows need, added to the shared world: a pending
career outcome in each side's mentee place (Mia's on the own side, Omar's on the other)."""

from __future__ import annotations

from datetime import date


def add(world: dict, make_person) -> dict:
    from allied.programmes.models import CareerOutcome

    return {
        f"outcome_{side}": CareerOutcome.objects.create(
            participant=world[f"mentee_place_{side}"],
            kind=CareerOutcome.Kind.PROMOTION,
            happened_on=date(2026, 3, 1),
            description=f"{side}: promoted to team lead",
        )
        for side in ("own", "other")
    }
