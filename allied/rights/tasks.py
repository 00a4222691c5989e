"""Data rights work that runs outside a request: `allied tick` enqueues `apply_retention`.
It is safe to run twice or side by side: each programme's retention policy row is locked
first and the places already erased are read under that lock, so erased places are never
erased, or recorded, again. Programmes with a cohort not marked finished or mentoring still
current are never touched."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> dict[str, int]:
    """Erases the personal data of programmes past their retention period; returns counts."""
    from allied.rights.actions import retention_apply

    return retention_apply()
