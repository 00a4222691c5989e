"""What tests of published figures ask of the marks for hidden ones."""

from allied.core.disclosure import is_hidden


def hidden_among(values) -> bool:
    """Whether one of `values` is hidden ("*" for 0 to 7, or "x" to protect another)."""
    return any(map(is_hidden, values))
