from django.urls import path

from allied.audit import views

app_name = "audit"

urlpatterns = [
    path("organisations/<slug:org>/audit/", views.log, name="log"),
]
