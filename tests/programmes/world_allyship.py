"""Objects the allyship area's access-matrix rows need, added to the shared world: a training
module in each side's programme, and a private reflection by each side's mentee (Mia, Omar),
whose reflection pages are theirs alone."""

from allied.core import allyship as model


def add(world: dict, make_person) -> dict:
    from allied.allyship.models import Answer, Reflection, TrainingModule

    added: dict = {}
    for side, author in (("own", world["mia"]), ("other", world["omar"])):
        added[f"module_{side}"] = TrainingModule.objects.create(
            programme=world[f"programme_{side}"],
            title=f"{side}: bias awareness",
            content="Everyone has biases.\n\n- Notice them\n- Ask what they rest on",
            required=True,
        )
        reflection = Reflection.objects.create(author=author, overall=f"{side} overall words")
        Answer.objects.bulk_create(
            Answer(reflection=reflection, quality=code, rating=3, text=f"{side} {code} words")
            for code in model.CODES
        )
        added[f"reflection_{side}"] = reflection
    return added
