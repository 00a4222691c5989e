"""Writes sign-ins and sign-outs to the audit log, and starts the session clock."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from allied.accounts.middleware import SESSION_SEEN, SESSION_STARTED
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
