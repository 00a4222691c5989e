"""The organisation admin's view of the audit log: a page of the top layer, since it reads
people (accounts) and the log (audit), and accounts writes to the log."""

from django.urls import path

from allied.web import audit

app_name = "audit"

urlpatterns = [
    path("organisations/<slug:org>/audit/", audit.log, name="log"),
]
