"""Run in a child process against its own SQLite file: builds a workshop that is voting,
with participants whose browsers are represented by session cookies. Prints JSON."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from allied.accounts.models import Organisation, User
    from allied.workshops import access, actions
    from allied.workshops.models import Phase, Question, Workshop

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Fault Trust", slug="fault")
    lead = User.objects.create_user("lead@fault.example", "a long test password", full_name="Lead")
    workshop = Workshop.objects.create(organisation=organisation, title="Faults", created_by=lead)
    question = Question.objects.create(workshop=workshop, order=1, text="What matters?", k=3)
    actions.workshop_start(workshop=workshop, by=lead)
    people = int(sys.argv[1])
    cookies = []
    for _ in range(people):
        token = "t-" + os.urandom(16).hex()
        actions.participant_consent(workshop=workshop, participant=None, session_token=token)
        session = SessionStore()
        session[access.SESSION_KEY] = {str(workshop.pk): token}
        session.create()
        cookies.append(session.session_key)
    question.refresh_from_db()
    for phase in (Phase.SILENT, Phase.ROUND_ROBIN):
        question = actions.phase_move(question=question, to_phase=phase, by=lead)
    order = actions.turn_order(workshop)
    import uuid

    for number in range(4):
        actions.turn_take(
            question=question,
            participant=order[number % len(order)],
            client_id=uuid.uuid4(),
            text=f"Idea {number + 1}",
        )
        question.refresh_from_db()
    for phase in (Phase.CLARIFICATION, Phase.VOTING):
        question = actions.phase_move(question=question, to_phase=phase, by=lead)
    print(
        json.dumps(
            {
                "code": workshop.join_code,
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "sessions": cookies,
                "ideas": list(question.ideas.order_by("number").values_list("pk", flat=True)),
                "phase_key": actions.phase_key(question),
            }
        )
    )


if __name__ == "__main__":
    main()
