"""Facilitators for circles: a mentor or trained peer per circle, by an assignment solver.

Each facilitator offers as many places as their capacity. SciPy's `linear_sum_assignment` (an exact
solver for the rectangular assignment problem) pairs circles with places so that, in order:

1. as many circles as possible get a facilitator allowed to run them;
2. facilitators fit their circles: a facilitator's value for an alike attribute (availability,
   say) should be the members' value; the cost is the share of members who differ;
3. load is spread: a facilitator's second place costs a little more than anyone's first.

A facilitator may not run a circle holding someone they must avoid. A trained peer who is also a
member of the cohort may run only their own circle, so they are never asked to attend two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from allied.core.circles.model import BLANK, CircleSpec, Facilitator, Formation, Person, Unmet

# Larger than any total of fit costs, so filling a circle always beats a better fit elsewhere.
FORBIDDEN = 1.0e6
SPREAD = 1.0e-3


def assign_facilitators(
    formation: Formation,
    people: Sequence[Person],
    facilitators: Sequence[Facilitator],
    spec: CircleSpec,
) -> Formation:
    """Return the formation with a facilitator on every circle that can have one.

    Circles left without one are listed in `unmet` with the reason (too few places, or every
    facilitator with a free place must avoid a member). Cost: a dense circles × places matrix.
    """
    values = {p.id: p for p in people}
    circles = formation.circles
    places = [(f, j) for f in sorted(facilitators, key=lambda f: f.id) for j in range(f.capacity)]
    if not circles:
        return formation
    cost = np.full((len(circles), len(places) + len(circles)), FORBIDDEN)
    allowed = np.zeros((len(circles), len(places)), dtype=bool)
    member_circle = formation.assignment()
    for c, circle in enumerate(circles):
        members = set(circle.members)
        for s, (facilitator, j) in enumerate(places):
            own = member_circle.get(facilitator.id)
            if facilitator.avoid & members or (own is not None and own != circle.number):
                continue
            allowed[c, s] = True
            cost[c, s] = _misfit(facilitator, circle.members, values, spec) + SPREAD * j
    rows, cols = linear_sum_assignment(cost)
    chosen: dict[int, str] = {}
    for c, s in zip(rows, cols, strict=True):
        if s < len(places) and allowed[c, s]:
            chosen[int(c)] = places[s][0].id
    new_circles = tuple(
        replace(circle, facilitator=chosen.get(c)) for c, circle in enumerate(circles)
    )
    unmet = [u for u in formation.unmet if u.kind != "facilitator"]
    total = len(places)
    for c, circle in enumerate(circles):
        if c in chosen:
            continue
        if not allowed[c].any():
            reason = (
                "every facilitator must avoid someone in this circle or belongs to another circle."
            )
        elif total < len(circles):
            reason = (
                f"there are {total} facilitator place{'s' if total != 1 else ''} for "
                f"{len(circles)} circles, and the allowed facilitators are taken."
            )
        else:
            reason = "every facilitator allowed to run this circle is needed by another circle."
        unmet.append(Unmet("facilitator", (), circle.number, reason))
    return replace(formation, circles=new_circles, unmet=tuple(unmet))


def _misfit(
    facilitator: Facilitator,
    members: Sequence[str],
    people: dict[str, Person],
    spec: CircleSpec,
) -> float:
    """Return the share of members whose alike values differ from the facilitator's, summed."""
    total = 0.0
    for attribute in spec.alike:
        wanted = facilitator.attributes.get(attribute, "")
        if not wanted or wanted == BLANK:
            continue
        differ = sum(1 for m in members if people[m].value(attribute) != wanted)
        total += differ / len(members)
    return total
