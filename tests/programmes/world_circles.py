"""Objects the circles area's access-matrix rows need, added to the shared world."""


def add(world: dict, make_person) -> dict:
    return {}
