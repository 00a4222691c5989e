"""Objects the setup area's access-matrix rows need, added to the shared world: an extra
intake question in each side's programme."""


def add(world: dict, make_person) -> dict:
    from allied.programmes.models import IntakeQuestion

    return {
        f"question_{side}": IntakeQuestion.objects.create(
            programme=world[f"programme_{side}"],
            text=f"{side}: what would make this programme work for you?",
            order=1,
        )
        for side in ("own", "other")
    }
