"""Circle URLs: the coordinator's cohort pages, the circle's own pages, a person's combined
commitments, and the JSON API."""

from django.urls import path

from allied.circles import api, views

app_name = "circles"

urlpatterns = [
    path("cohorts/<int:pk>/circles/", views.cohort_circles, name="cohort"),
    path("cohorts/<int:pk>/circles/form/", views.form_circles, name="form"),
    path("cohorts/<int:pk>/circles/publish/", views.publish, name="publish"),
    path("cohorts/<int:pk>/circles/at-risk/", views.at_risk, name="at_risk"),
    path("circle-memberships/<int:pk>/move/", views.move, name="move"),
    path("circle-memberships/<int:pk>/leave/", views.leave, name="leave"),
    path("circles/<int:pk>/", views.detail, name="detail"),
    path("circles/<int:pk>/members/add/", views.add_member, name="add_member"),
    path("circles/<int:pk>/facilitator/", views.facilitator, name="facilitator"),
    path("circles/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("circles/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("circles/<int:pk>/schedule.ics", views.schedule_ics, name="schedule_ics"),
    path("circles/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("circle-sessions/<int:pk>/", views.session_page, name="session"),
    path("circle-sessions/<int:pk>/notes/", views.session_notes, name="session_notes"),
    path(
        "circle-sessions/<int:pk>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("circle-sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("circle-sessions/<int:pk>/invite.ics", views.session_ics, name="session_ics"),
    path("mentoring/commitments/", views.commitments, name="commitments"),
    # The JSON API.
    path("api/cohorts/<int:pk>/circles/", api.cohort_circles, name="api_cohort"),
    path("api/cohorts/<int:pk>/circles/form/", api.form_circles, name="api_form"),
    path("api/cohorts/<int:pk>/circles/publish/", api.publish, name="api_publish"),
    path("api/circles/<int:pk>/", api.circle_detail, name="api_detail"),
    path("api/circles/<int:pk>/sessions/", api.sessions, name="api_sessions"),
    path("api/circles/<int:pk>/check-in/", api.check_in, name="api_check_in"),
    path("api/mentoring/commitments/", api.commitments, name="api_commitments"),
]
