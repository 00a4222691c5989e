"""What a page's search box asked for, safe to put in a query."""

from __future__ import annotations

LONGEST = 100


def search_text(request, name: str = "q") -> str:
    """The text searched for: at most 100 characters, trimmed, without NUL (PostgreSQL
    refuses it in a query)."""
    return (request.GET.get(name) or "").replace("\x00", "").strip()[:LONGEST]
