"""Data rights work that runs outside a request: `allied tick` enqueues `apply_retention`.
It is safe to run twice or side by side: erased places are recorded and never erased again,
and each programme's places are locked while they are erased."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> dict[str, int]:
    """Erases the personal data of programmes past their retention period; returns counts."""
    from allied.rights.actions import retention_apply

    return retention_apply()
