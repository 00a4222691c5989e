"""The mentee's picture: their mentoring at a glance on the programme's model, as a page that
prints on one A4 sheet, and as SVG and PNG downloads.

Open to the mentee of the relationship and to its mentor (who sees it without what is the
mentee's alone: see `allied.picture.reading`). Coordinators and admins get a 403: the
picture is the mentee's, and coordinators read relationships as counts and dates
(docs/decisions/0016-mentee-picture.md). It opens once the mentoring has started.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from allied.core.model import picture as drawing
from allied.picture.reading import MENTEE, MENTOR, OPEN, picture_for
from allied.programmes import access
from allied.programmes.models import Relationship

PAIR = (MENTEE, MENTOR)
NOT_YET = "The picture of your mentoring opens once the mentoring has started."
ENDED_FOR_MENTOR = (
    "This mentoring has ended, so the picture of your former mentee's mentoring is theirs alone "
    "now."
)


def _picture(request, pk: int):
    """Returns (relationship, picture), or a redirect when the mentoring has not started, or
    has ended and the reader was the mentor: the picture is drawn from the mentee's record as
    it is now, which a former mentor has no reason to follow."""
    relationship = access.relationship_for(request, pk, *PAIR)
    if relationship.status not in OPEN:
        messages.info(request, NOT_YET)
        return relationship, None
    if relationship.status != Relationship.Status.ACTIVE and request.relationship_side == MENTOR:
        messages.info(request, ENDED_FOR_MENTOR)
        return relationship, None
    return relationship, picture_for(relationship, request.relationship_side)


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def picture_page(request, pk: int):
    relationship, shown = _picture(request, pk)
    if shown is None:
        return redirect("programmes:relationship", relationship.pk)
    return render(
        request,
        "picture/page.html",
        {
            "relationship": relationship,
            "side": request.relationship_side,
            "picture": shown,
            "svg": drawing.picture_svg(shown),
            "text": drawing.picture_text(shown),
        },
    )


@login_required
def picture_svg(request, pk: int):
    relationship, shown = _picture(request, pk)
    if shown is None:
        return redirect("programmes:relationship", relationship.pk)
    return _download(
        drawing.picture_svg(shown), "image/svg+xml; charset=utf-8", "mentoring-picture.svg"
    )


@login_required
def picture_png(request, pk: int):
    relationship, shown = _picture(request, pk)
    if shown is None:
        return redirect("programmes:relationship", relationship.pk)
    return _download(drawing.picture_png(shown), "image/png", "mentoring-picture.png")
