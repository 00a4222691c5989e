"""The mentoring relationship's pages and its JSON API: the agreement, meetings and notes,
goals, sponsorship, reviews, endings and concerns, and the coordinator's cohort list."""

from django.urls import path

from allied.mentoring.api import relationship as api
from allied.mentoring.views import relationship as views

urlpatterns = [
    path("relationships/<int:pk>/", views.relationship_page, name="relationship"),
    path("relationships/<int:pk>/agreement/", views.agreement_page, name="agreement"),
    path("relationships/<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("relationships/<int:pk>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("relationships/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path(
        "meetings/<int:pk>/private-note/", views.meeting_private_note, name="meeting_private_note"
    ),
    path("relationships/<int:pk>/goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:pk>/", views.goal_page, name="goal"),
    path("goals/<int:pk>/actions/new/", views.goal_action_new, name="goal_action_new"),
    path("goals/<int:pk>/updates/new/", views.goal_update_new, name="goal_update_new"),
    path("goals/<int:pk>/status/", views.goal_status, name="goal_status"),
    path("goal-actions/<int:pk>/done/", views.goal_action_done, name="goal_action_done"),
    path("relationships/<int:pk>/sponsorship/new/", views.sponsorship_new, name="sponsorship_new"),
    path("sponsorship/<int:pk>/confirm/", views.sponsorship_confirm, name="sponsorship_confirm"),
    path("relationships/<int:pk>/reviews/<str:stage>/", views.review_page, name="review"),
    path("relationships/<int:pk>/end/", views.end_page, name="end"),
    path("relationships/<int:pk>/concern/", views.concern_new, name="concern_new"),
    path("programmes/<int:pk>/concerns/", views.concern_list, name="concerns"),
    path("concerns/<int:pk>/", views.concern_page, name="concern"),
    path(
        "cohorts/<int:pk>/relationships/", views.cohort_relationships, name="cohort_relationships"
    ),
    # The JSON API.
    path("api/relationships/<int:pk>/", api.relationship_detail, name="api_relationship"),
    path("api/relationships/<int:pk>/agreement/", api.agreement, name="api_agreement"),
    path(
        "api/relationships/<int:pk>/agreement/sign/", api.agreement_sign, name="api_agreement_sign"
    ),
    path("api/relationships/<int:pk>/meetings/", api.meetings, name="api_meetings"),
    path("api/meetings/<int:pk>/held/", api.meeting_held, name="api_meeting_held"),
    path("api/meetings/<int:pk>/cancel/", api.meeting_cancel, name="api_meeting_cancel"),
    path("api/meetings/<int:pk>/notes/", api.meeting_notes, name="api_meeting_notes"),
    path("api/meetings/<int:pk>/private-note/", api.private_note, name="api_private_note"),
    path("api/relationships/<int:pk>/goals/", api.goal_create, name="api_goals"),
    path("api/goals/<int:pk>/", api.goal, name="api_goal"),
    path("api/goals/<int:pk>/actions/", api.goal_action_create, name="api_goal_actions"),
    path("api/goal-actions/<int:pk>/", api.goal_action, name="api_goal_action"),
    path("api/goals/<int:pk>/updates/", api.goal_update_create, name="api_goal_updates"),
    path("api/relationships/<int:pk>/sponsorship/", api.sponsorship_create, name="api_sponsorship"),
    path(
        "api/sponsorship/<int:pk>/confirm/", api.sponsorship_confirm, name="api_sponsorship_confirm"
    ),
    path("api/relationships/<int:pk>/reviews/<str:stage>/", api.review_submit, name="api_review"),
    path("api/relationships/<int:pk>/end/", api.end, name="api_end"),
    path("api/relationships/<int:pk>/concern/", api.concern, name="api_concern"),
]
