"""Navigation by role for the header on every page."""

from __future__ import annotations

from django.urls import reverse

from allied.accounts.access import memberships_for
from allied.accounts.models import Role


def navigation(request) -> dict:
    """Returns the organisation the page is about and the header's menu, from the person's
    memberships as the request has already read them."""
    user = getattr(request, "user", None)
    # Someone who still owes a two-factor code never gets past the middleware to a page
    # with navigation, so being signed in is enough here.
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_organisation": None}
    memberships = memberships_for(request)
    if not memberships:
        return {
            "nav_items": _items(request, [("Dashboard", reverse("web:dashboard"))]),
            "current_organisation": None,
        }
    slug = (request.resolver_match.kwargs.get("org") if request.resolver_match else None) or ""
    organisation = next(
        (m.organisation for m in memberships if m.organisation.slug == slug),
        memberships[0].organisation,
    )
    roles = {m.role for m in memberships if m.organisation_id == organisation.id}
    links = [("Dashboard", reverse("web:dashboard"))]
    if roles & {Role.ORG_ADMIN, Role.COORDINATOR}:
        links.append(("People", reverse("accounts:people", args=[organisation.slug])))
    if roles & {Role.ORG_ADMIN, Role.FACILITATOR} or user.workshop_roles.exists():
        links.append(("Workshops", reverse("workshops:list")))
    if roles & {Role.ORG_ADMIN, Role.COORDINATOR, Role.MENTOR, Role.MENTEE}:
        links.append(("Mentoring", reverse("programmes:list")))
    if Role.MENTOR in roles:
        links.append(("Allyship", reverse("allyship:home")))
    if Role.ORG_ADMIN in roles:
        links.append(("Audit log", reverse("audit:log", args=[organisation.slug])))
    links.append(("Your account", reverse("accounts:account")))
    return {"nav_items": _items(request, links), "current_organisation": organisation}


def _items(request, links):
    return [{"text": text, "href": href, "current": request.path == href} for text, href in links]
