"""Links in emails: whole addresses on the site (`SITE_URL`), since an email has no page."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def site_link(name: str, *args) -> str:
    """Returns the whole address of the URL named `name` with `args`."""
    return settings.SITE_URL + reverse(name, args=args)
