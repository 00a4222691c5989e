"""Writes sign-ins and sign-outs to the audit log, starts the session clock, and tells the
access helpers when memberships change."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from allied.accounts.access import memberships_changed
from allied.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from allied.accounts.models import Membership, Organisation
from allied.audit.log import record
from allied.audit.models import Kind


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs):
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    record(Kind.SIGN_IN, request=request, actor=user, email=user.email)


@receiver(user_logged_out)
def on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGN_OUT, request=request, actor=user, email=user.email)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
def on_membership_change(sender, **kwargs):
    memberships_changed()
