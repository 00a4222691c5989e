"""What the allyship tests share: a reflection's form data."""

from allied.core import allyship as model


def reflection_data(rating: int = 3, **texts: str) -> dict:
    data = {f"rating_{code}": str(rating) for code in model.CODES}
    data.update({f"text_{code}": text for code, text in texts.items()})
    data.setdefault("overall", "")
    return data
