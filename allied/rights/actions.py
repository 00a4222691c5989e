"""Data rights: a person's copy of their data, erasure of a person or of their places in one
programme, erasure requests, and retention. Each change runs in one transaction.

What each model gives a copy and loses to erasure is decided in `allied.rights.registry`;
this module adds what the registry cannot decide from the models alone: the account itself,
the audit log (pseudonymised, never deleted), sessions, concerns kept under a legal duty, and
special category answers (read only through `allied.programmes.sensitive`).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import AuditEvent, Kind
from allied.base.links import site_link
from allied.base.sqlite_log import clear_the_log_after_commit, empty_the_log
from allied.programmes import sensitive
from allied.programmes.models import Cohort, Concern, Participant, Programme
from allied.rights import registry
from allied.rights.models import Erasure, ErasureRequest, RetentionPolicy

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased person"
# The name of the placeholder account a former participant's places point at (retention).
PLACEHOLDER_NAME = "Former participant"
# What stands for an erased person's name in text that stays.
FORMER_PARTICIPANT = "a former participant"
UNMATCHED_REASON_ERASED = "The reason was removed with the programme's personal data."
SAFEGUARDING_REASON = (
    "A safeguarding concern: kept under the organisation's legal duty to keep safeguarding "
    "records, and reviewed under its own retention schedule."
)


class RightsError(Exception):
    """The request cannot be carried out; nothing was changed."""


def is_erased(user) -> bool:
    return Erasure.objects.filter(user=user, scope=Erasure.Scope.PERSON).exists()


# A copy of everything held about a person.


def subject_access(*, person, by, request=None, organisation=None, fmt: str = "json") -> dict:
    """Returns everything Allied holds about `person` as plain data, and audits the download.

    Special category answers (ethnicity and gender) are in the copy only when the person
    asks for it themselves: it is their data, and nobody else reads it beside their name
    (decision 0007). An admin's copy says that such answers are held."""
    own = by.pk == person.pk
    if not own and organisation is None:
        raise RightsError("A copy for someone else is made for one organisation")
    scope = None if own else organisation
    sections, mentions = registry.copy_sections(person, special=own, organisation=scope)
    places = Participant.objects.filter(user=person)
    if scope is not None:
        places = places.filter(cohort__programme__organisation=scope)
    places = list(places.select_related("cohort__programme").order_by("pk"))
    equality = []
    for place in places:
        answers = sensitive.own_answers(place) if own else None
        if own and answers.pk:
            equality.append(
                {
                    "programme": place.cohort.programme.name,
                    "cohort": place.cohort.name,
                    "ethnic group": answers.get_ethnic_group_display() or "Not given",
                    "ethnicity in your own words": answers.ethnicity_self_description,
                    "gender": answers.get_gender_display() or "Not given",
                    "consent to equality monitoring": answers.monitoring_consent,
                    "consent to use ethnic group in matching": answers.matching_consent,
                    "consent to use gender in matching": answers.gender_matching_consent,
                }
            )
    held = not own and sensitive_held(places)
    concerns = [
        {
            "programme": c.programme.name,
            "raised": c.created_at.isoformat(),
            "safeguarding": c.safeguarding,
            "status": c.get_status_display(),
            "what you wrote": c.text,
        }
        for c in Concern.objects.filter(raised_by=person)
        .filter(Q() if scope is None else Q(programme__organisation=scope))
        .select_related("programme")
    ]
    audit = [
        {
            "when": e.created_at.isoformat(),
            "what": e.get_kind_display(),
            "about": e.subject,
            "page": e.path,
            "address": e.ip_address or "",
        }
        for e in AuditEvent.objects.filter(Q(actor=person) | Q(email__iexact=person.email or "-"))
        .filter(Q() if scope is None else Q(organisation=scope) | Q(organisation__isnull=True))
        .order_by("created_at", "pk")
    ]
    copy = {
        "about_this_copy": {
            "service": "Allied",
            "person": person.full_name,
            "made_at": timezone.now().isoformat(),
            "made_by": "you" if own else by.full_name,
            "contents": (
                "Everything Allied holds about you: your account, your places in mentoring "
                "programmes and everything recorded in them, your workshops, your allyship "
                "reflections, records that name you, and the audit log's entries about you."
                if own
                else f"What {organisation.name} holds about this person through Allied. "
                "Private notes, reflections, circle check-ins, race notes and allyship "
                "answers are read by the person alone: they are in the copy the person "
                "downloads themselves, and not here."
            ),
        },
        "account": {
            "name": person.full_name,
            "email": person.email,
            "joined": person.date_joined.isoformat(),
            "last signed in": person.last_login.isoformat() if person.last_login else "",
            "active": person.is_active,
        },
        "sections": [
            {"title": s.title, "model": s.label, "columns": s.columns, "rows": s.rows}
            for s in sections
        ],
        "equality_monitoring": equality,
        "equality_monitoring_held_but_not_shown": held,
        "concerns_you_raised": concerns,
        "records_that_name_you": mentions,
        "audit_log": audit,
    }
    record(
        Kind.PERSONAL_DATA_DOWNLOADED,
        request=request,
        actor=by,
        organisation=organisation,
        subject=f"user {person.pk}",
        on_behalf=not own,
        format=fmt,
    )
    return copy


def sensitive_held(places) -> bool:
    """Whether any special category answers are held for these places (a yes or no only)."""
    from allied.programmes.models import SpecialCategory

    return SpecialCategory.objects.filter(participant__in=places).exists()


# Erasure.


def retained_concerns(*, user=None, places=None, programme=None) -> list[Concern]:
    """Returns the safeguarding concerns an erasure keeps, about or raised by the person (or,
    with `places`, about those places or raised by their holders in `programme`)."""
    return list(_concerns(user=user, places=places, programme=programme).filter(safeguarding=True))


def _concerns(*, user=None, places=None, programme=None):
    if places is None:
        about = (
            Q(raised_by=user)
            | Q(relationship__mentee__user=user)
            | Q(relationship__mentor__user=user)
        )
    else:
        holders = Participant.objects.filter(pk__in=places).values("user")
        about = (
            Q(relationship__mentee__in=places)
            | Q(relationship__mentor__in=places)
            | Q(raised_by__in=holders, programme=programme)
        )
    return Concern.objects.filter(about).distinct()


def _erase_concerns(counts: Counter, *, user=None, places=None, programme=None) -> list[dict]:
    """Blanks the text of concerns about the person and unlinks them as the one who raised
    it; keeps safeguarding concerns whole. Returns the retained ones as {model, id, reason}."""
    found = _concerns(user=user, places=places, programme=programme)
    retained = [
        {"model": "programmes.concern", "id": c.pk, "reason": SAFEGUARDING_REASON}
        for c in found.filter(safeguarding=True).order_by("pk")
    ]
    rest = Concern.objects.filter(pk__in=found.filter(safeguarding=False).values("pk"))
    counts["programmes.concern"] += rest.exclude(text="", coordinator_note="").update(
        text="", coordinator_note=""
    )
    if places is None:
        rest.filter(raised_by=user).update(raised_by=None)
    else:
        holders = Participant.objects.filter(pk__in=places).values("user")
        rest.filter(raised_by__in=holders).update(raised_by=None)
    return retained


def _leave_live_places(places, *, by, request=None) -> None:
    """Ends mentoring kindly for places in cohorts still running, as leaving does."""
    from allied.mentoring.leaving import participant_withdraw

    for place in places.exclude(status=Participant.Status.WITHDRAWN).exclude(
        cohort__status=Cohort.Status.FINISHED
    ):
        participant_withdraw(place=place, by=by, request=request)


@dataclass(frozen=True)
class Line:
    """One kind of record in an erasure: its plain name, how many, and what happens to it."""

    name: str
    count: int
    what: str


MENTIONS = "mentions"
# What only the erasure itself counts, after the records about the person, in this order.
AFTER = {
    MENTIONS: ("Other records that named them", "Their name is removed from each."),
    "programmes.matchrun": ("Matching runs", "Their name, and reasons about them, are taken out."),
    "accounts.user": ("Account", "Closed: the name and email address are replaced."),
    "sessions.session": ("Sign-in sessions", "Ended."),
    "audit.auditevent": ("Audit log entries", "Kept, with the name and email replaced."),
}


# Where a model's own plural name would read oddly to an admin.
PLAIN_NAMES = {
    "accounts.apitoken": "API tokens",
    "accounts.membership": "Roles in organisations",
    "allyship.answer": "Reflection answers",
    "allyship.completion": "Allyship training completed",
    "allyship.reflection": "Allyship reflections",
    "circles.attendance": "Circle attendance records",
    "circles.checkin": "Circle check-ins",
    "otp_totp.totpdevice": "Two-factor authenticator apps",
    "programmes.matchrun": "Matching runs",
    "programmes.participant": "Places in programmes",
    "programmes.programme_coordinators": "Programmes they coordinate",
    "programmes.specialcategory": "Equality monitoring answers",
    "rights.retentionpolicy": "Retention periods they set",
    "workshops.ballotchoice": "Choices on ballots",
    "workshops.characteristics": "Workshop answers about themselves",
    "workshops.participant": "Workshop seats",
    "workshops.setasideballot": "Ballots set aside",
    "workshops.workshopstaff": "Workshop staff roles",
}
# Never shown in a copy, but an erasure's record says they went.
LISTED_IN_ERASURES = {"programmes.specialcategory"}


def planned_counts(plan: registry.Plan) -> dict[str, int]:
    """Returns how many records of each kind an erasure plan is about, by "app.model", with
    the records that only name the person together under "mentions". Kinds never shown (the
    equality monitoring answers, Django's own tables) are left out."""
    counts = {
        model._meta.label_lower: len(pks)
        for model, pks in plan.owned.items()
        if registry.rule_for(model).in_copy or model._meta.label_lower in LISTED_IN_ERASURES
    }
    mentions = sum(len(pks) for pks in plan.mentioned.values())
    if mentions:
        counts[MENTIONS] = mentions
    return counts


def erasure_lines(counts: dict[str, int]) -> list[Line]:
    """Returns the plain list the preview and the record of an erasure both show: the records
    about the person by name, then what the erasure itself did (`AFTER`)."""
    about, after = [], {}
    for label, count in counts.items():
        if not count:
            continue
        if label in AFTER:
            after[label] = Line(*AFTER[label][:1], count, AFTER[label][1])
            continue
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        rule = registry.rule_for(model)
        if rule.in_copy or label in LISTED_IN_ERASURES:
            name = PLAIN_NAMES.get(label) or str(model._meta.verbose_name_plural)
            about.append(Line(name[:1].upper() + name[1:], count, rule.why))
    return sorted(about, key=lambda line: line.name) + [
        after[label] for label in AFTER if label in after
    ]


def erasure_preview(user) -> dict:
    """Returns what erasing the person will do (`lines`, as the record of the erasure will
    list them), how many records only name them, and the records retained."""
    plan = registry.plan(user)
    counts = planned_counts(plan)
    return {
        "lines": erasure_lines({k: v for k, v in counts.items() if k != MENTIONS}),
        "mentions": counts.get(MENTIONS, 0),
        "retained": retained_concerns(user=user),
    }


def erasure_refusal(user, *, by) -> str | None:
    """Returns why an admin may not erase this person now, or None when they may."""
    from allied.accounts.models import Membership, Role

    if user.pk == by.pk:
        return (
            "You cannot erase your own account here. Ask for erasure on your data page, "
            "and another organisation admin will carry it out"
        )
    for membership in Membership.objects.filter(user=user, role=Role.ORG_ADMIN).select_related(
        "organisation"
    ):
        others = Membership.objects.filter(
            organisation=membership.organisation, role=Role.ORG_ADMIN
        ).exclude(user=user)
        if not others.exists():
            return (
                f"{user.full_name} is the only organisation admin of "
                f"{membership.organisation.name}. Make someone else an admin first"
            )
    return None


@transaction.atomic
def person_erase(*, user, by, organisation=None, request=None) -> Erasure:
    """Erases everything about the person, or anonymises it irreversibly, and returns the
    record of the erasure. Erasing someone already erased changes nothing and returns the
    first record.

    The account row is locked before anything is checked, so a double-submitted form waits
    for the first run and then finds its record (and the database allows one such record
    per person); an account already scrubbed without a record is refused rather than
    erased again, since its name and address are erasure's own."""
    user = type(user).objects.select_for_update().get(pk=user.pk)
    earlier = Erasure.objects.filter(user=user, scope=Erasure.Scope.PERSON).first()
    if earlier is not None:
        return earlier
    if _is_scrubbed(user):
        raise RightsError("This person's data has already been erased")
    refusal = erasure_refusal(user, by=by) if by.pk != user.pk else None
    if refusal:
        raise RightsError(refusal)
    from allied.workshops.models import Participant as WorkshopParticipant

    terms = [user.full_name, user.email]
    if user.email:
        terms += list(
            WorkshopParticipant.objects.filter(email__iexact=user.email)
            .exclude(real_name="")
            .values_list("real_name", flat=True)
        )
    organisations = _organisations_of(user)
    places = Participant.objects.filter(user=user)
    _end_mentoring_for_erasure(user, places, request=request)
    _leave_live_places(places, by=user, request=request)
    unnamed = _unname_in_partners_writing(user, places, aliases=terms[2:])
    counts: Counter = Counter()
    counts["programmes.matchrun"] += _unname_in_match_runs(user)
    retained = _erase_concerns(counts, user=user)
    planned = registry.plan(user)
    registry.apply(planned)
    counts.update(planned_counts(planned))
    identity = {"name": user.full_name, "email": user.email} if retained else {}
    _scrub_account(user)
    counts["accounts.user"] += 1
    counts["sessions.session"] += _end_sessions(user)
    erasure = Erasure.objects.create(
        user=user,
        scope=Erasure.Scope.PERSON,
        organisation=organisation,
        by=by if by.pk != user.pk else None,
        counts={k: v for k, v in sorted(counts.items()) if v},
        retained=retained,
        retained_identity=identity,
        unnamed=unnamed,
    )
    counts["audit.auditevent"] = AuditEvent.objects.pseudonymise(
        user=user,
        terms=terms,
        pseudonym=f"erased person {erasure.pk}",
        organisations=organisations,
    )
    erasure.counts = {k: v for k, v in sorted(counts.items()) if v}
    erasure.save(update_fields=["counts"])
    ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).update(
        status=ErasureRequest.Status.DONE, closed_at=timezone.now()
    )
    clear_the_log_after_commit()
    record(
        Kind.PERSON_ERASED,
        request=request,
        actor=by if by.pk != user.pk else None,
        organisation=organisation,
        subject=f"erasure {erasure.pk}",
        rows=erasure.total,
        retained=len(retained),
    )
    return erasure


def _is_scrubbed(user) -> bool:
    return user.full_name == ERASED_NAME and (user.email or "").endswith("@invalid")


def _organisations_of(user) -> set[int]:
    """Returns the ids of every organisation the person belongs to or took part in: their
    roles, their programme places and their workshop seats. Read before erasure removes
    the links; the audit log's events of these organisations are pseudonymised."""
    from allied.accounts.models import Membership
    from allied.workshops.models import Participant as WorkshopParticipant

    found = set(Membership.objects.filter(user=user).values_list("organisation", flat=True))
    found |= set(
        Participant.objects.filter(user=user).values_list(
            "cohort__programme__organisation", flat=True
        )
    )
    if user.email:
        found |= set(
            WorkshopParticipant.objects.filter(email__iexact=user.email).values_list(
                "workshop__organisation", flat=True
            )
        )
    return found - {None}


def _end_mentoring_for_erasure(user, places, *, request=None) -> None:
    """Ends the active mentoring of these places (the person being erased) without blame,
    and tells the other person and the programme's coordinators, never the person leaving:
    their account is about to close. Planned meetings are cancelled. No email names the
    person being erased, since it is sent after their data has gone."""
    from django.core.mail import send_mail

    from allied.mentoring.relationship import meetings_cancel_for_leaving
    from allied.programmes.models import Relationship, ShortlistOffer

    now = timezone.now()
    for relationship in (
        Relationship.objects.select_for_update(of=("self",))
        .filter(Q(mentee__in=places) | Q(mentor__in=places), status=Relationship.Status.ACTIVE)
        .select_related("mentee__user", "mentor__user", "cohort__programme__organisation")
    ):
        leaving_mentee = relationship.mentee.user_id == user.pk
        partner = relationship.mentor.user if leaving_mentee else relationship.mentee.user
        relationship.status = Relationship.Status.ENDED
        relationship.ending = Relationship.Ending.NO_FAULT
        relationship.ended_at, relationship.ended_by = now, None
        relationship.version += 1
        relationship.save(update_fields=["status", "ended_at", "ended_by", "ending", "version"])
        ShortlistOffer.objects.filter(
            mentee_id=relationship.mentee_id,
            mentor_id=relationship.mentor_id,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=now)
        cancelled = meetings_cancel_for_leaving(relationship=relationship, leaving=user)
        programme = relationship.cohort.programme
        record(
            Kind.RELATIONSHIP_ENDED,
            request=request,
            organisation=programme.organisation,
            subject=f"Relationship {relationship.pk}",
            relationship=relationship.pk,
            ending=Relationship.Ending.NO_FAULT,
            by_side="mentee" if leaving_mentee else "mentor",
            erasure=True,
        )
        _tell_of_ending(
            send_mail,
            partner=partner,
            leaving="mentee" if leaving_mentee else "mentor",
            cancelled=cancelled,
            programme=programme,
            link=site_link("programmes:relationship", relationship.pk),
            coordinators=[
                e for e in relationship.cohort.programme.coordinator_emails() if e != user.email
            ],
            coordinator_link=site_link("programmes:cohort_relationships", relationship.cohort_id),
        )


def _tell_of_ending(
    send_mail, *, partner, leaving, cancelled, programme, link, coordinators, coordinator_link
) -> None:
    """Emails, once the erasure commits, the partner and the coordinators that mentoring ended
    because one person left the programme (whose name is not in either email)."""
    partner_name, partner_email, name = partner.full_name, partner.email, programme.name
    transaction.on_commit(
        lambda: send_mail(
            subject="Your mentoring relationship has ended",
            message=(
                f"Your {leaving} has left the programme, so your mentoring relationship has "
                "ended. This is nobody's fault, and no reason is needed.\n\n"
                + ("Any meetings you had arranged have been cancelled.\n\n" if cancelled else "")
                + f"You can still read your relationship page:\n{link}\n"
            ),
            from_email=None,
            recipient_list=[partner_email],
        )
    )
    if not coordinators:
        return
    after = (
        f"{partner_name} is ready to be matched again; they will be included the next time "
        "you run matching for the cohort. Please treat the ending as no-fault."
        if leaving == "mentor"
        else f"{partner_name} (mentor) may now have a place for another mentee."
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"A mentoring relationship has ended: {name}",
            message=(
                f"A {leaving} in {name} has left the programme and their personal data has "
                f"been erased, so their mentoring relationship has ended (no-fault).\n\n"
                f"{after}\n\n{coordinator_link}\n"
            ),
            from_email=None,
            recipient_list=coordinators,
        )
    )


def _unname_in_match_runs(user) -> int:
    """Replaces the person's name with "a former participant" in the matching runs (their
    unmatched reasons, and the explanations of their proposals) of every cohort where they
    held a place: the engine wrote names into that text. Returns how many runs changed."""
    import re

    from allied.programmes.models import MatchRun, Proposal

    name = (user.full_name or "").strip()
    if len(name) < 2:
        return 0
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)

    def swap(value):
        if isinstance(value, str):
            return pattern.sub(FORMER_PARTICIPANT, value)
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value

    cohorts = Participant.objects.filter(user=user).values("cohort")
    changed = 0
    for run in MatchRun.objects.select_for_update(of=("self",)).filter(cohort__in=cohorts):
        unmatched = swap(run.unmatched)
        if unmatched != run.unmatched:
            run.unmatched = unmatched
            run.save(update_fields=["unmatched"])
            changed += 1
    for proposal in Proposal.objects.filter(run__cohort__in=cohorts).only("pk", "explanation"):
        explanation = swap(proposal.explanation)
        if explanation != proposal.explanation:
            Proposal.objects.filter(pk=proposal.pk).update(explanation=explanation)
    return changed


# Words in a name that are not the person's own: titles, initials and particles.
PARTICLES = {"van", "von", "der", "den", "del", "della", "des", "dos", "das", "bin", "binti", "ibn"}
NOT_A_NAME = {"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", *PARTICLES}
APOSTROPHES = "'’‘`"


def _spelling(term: str) -> str:
    """Returns a pattern for the term as written, whichever apostrophe is typed."""
    return "".join(
        f"[{re.escape(APOSTROPHES)}]" if char in APOSTROPHES else re.escape(char) for char in term
    )


def name_pattern(user, aliases=()) -> re.Pattern | None:
    """Returns a pattern for the person in free text: their full name, other names they used
    (`aliases`) and their email address in any case; and each part of their name (split at
    spaces and hyphens) of 3 letters or more, titles and particles aside, written with a
    capital or in capitals ("May" and "MAY", never the word "may"). Whole words only, and
    either apostrophe. None when there is nothing to look for."""
    words = (user.full_name or "").split()
    untitled = " ".join(w for w in words if w.strip(".").lower() not in NOT_A_NAME - PARTICLES)
    whole = {" ".join(words), untitled, *(" ".join(a.split()) for a in aliases)}
    whole = (whole | {(user.email or "").strip()}) - {""}
    parts = set()
    # Each word ("Smith-Jones") and each part of a hyphenated one ("Smith", "Jones").
    for word in {*words, *re.split(r"[\s\-]+", " ".join(words))}:
        word = word.strip(".,")
        if len(word) >= 3 and word.lower() not in NOT_A_NAME:
            parts |= {word, word[:1].upper() + word[1:], word.upper()}
    if not whole and not parts:
        return None
    ignoring_case = "|".join(_spelling(t) for t in sorted(whole, key=len, reverse=True))
    as_written = "|".join(_spelling(t) for t in sorted(parts, key=len, reverse=True))
    alternatives = [f"(?i:{ignoring_case})"] if ignoring_case else []
    alternatives += [f"(?:{as_written})"] if as_written else []
    return re.compile(rf"(?<![\w@.])(?:{'|'.join(alternatives)})(?![\w@])")


def _unname_in_partners_writing(user, places, aliases=()) -> list[dict]:
    """Takes the person's name and address out of what their mentoring partners wrote, which
    stays theirs: private notes on the pair's meetings and the partners' allyship reflections.
    Each name becomes "a former participant". Returns the records changed, for the erasure's
    record."""
    from allied.allyship.models import Answer, Reflection
    from allied.programmes.models import PrivateNote, Relationship

    pattern = name_pattern(user, aliases)
    if pattern is None:
        return []
    pairs = Relationship.objects.filter(Q(mentee__in=places) | Q(mentor__in=places))
    partners = {u for pair in pairs.values_list("mentee__user", "mentor__user") for u in pair}
    partners.discard(user.pk)
    found = [
        ("Private note on a meeting", PrivateNote, "text",
         PrivateNote.objects.filter(meeting__relationship__in=pairs).exclude(author=user)),
        ("Allyship reflection", Reflection, "overall",
         Reflection.objects.filter(author__in=partners)),
        ("Allyship reflection answer", Answer, "text",
         Answer.objects.filter(reflection__author__in=partners)),
    ]  # fmt: skip
    changed = []
    for label, model, field_name, rows in found:
        for pk, text in rows.order_by("pk").values_list("pk", field_name):
            new = pattern.sub(FORMER_PARTICIPANT, text)
            if new != text:
                model.objects.filter(pk=pk).update(**{field_name: new})
                changed.append({"record": label, "id": pk})
    return changed


def _scrub_account(user) -> None:
    user.email = f"erased-{secrets.token_hex(8)}@invalid"
    user.full_name = ERASED_NAME
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.session_generation += 1
    user.set_unusable_password()
    user.save()


def _end_sessions(user) -> int:
    """Deletes the person's stored sessions (raising their session generation has already
    ended them; this also removes what they held). Returns how many went."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    from django.contrib.sessions.models import Session

    mine = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=mine).delete()[0]


@transaction.atomic
def places_erase(*, programme: Programme, places: list[Participant], by=None) -> Erasure | None:
    """Erases these places in one programme and everything hanging off them (retention),
    then detaches them from the people who held them: each person's places, and every record
    in the programme that named them, point at a placeholder account instead, so nothing
    left leads back to anyone. Their accounts and the rest of their data stay. Returns the
    record, or None when there was nothing to erase."""
    ids = [p.pk for p in places]
    if not ids:
        return None
    counts: Counter = Counter()
    retained = _erase_concerns(counts, places=ids, programme=programme)
    counts.update(registry.apply(registry.plan(places=ids)))
    from allied.allyship.models import Completion

    holders = sorted({p.user_id for p in places})
    counts["allyship.completion"] += (
        Completion.objects.filter(module__programme=programme, user__in=holders)
        .exclude(reflection="")
        .update(reflection="")
    )
    counts["programmes.matchrun"] += _forget_unmatched_reasons(ids)
    identity = _retained_identity(retained)
    # Rows already counted as erased or made anonymous: detaching them is not counted again.
    registry.detach(programme, {pk: _placeholder().pk for pk in holders})
    clear_the_log_after_commit()
    return Erasure.objects.create(
        scope=Erasure.Scope.PROGRAMME,
        organisation=programme.organisation,
        programme=programme,
        by=by,
        counts={k: v for k, v in sorted(counts.items()) if v},
        retained=retained,
        retained_identity=identity,
        places=ids,
    )


def _placeholder():
    """Returns a new account that stands for one former participant: no name, no working
    email address, no password, no roles, never able to sign in."""
    user = get_user_model()(
        email=f"former-participant-{secrets.token_hex(8)}@invalid",
        full_name=PLACEHOLDER_NAME,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return user


def _retained_identity(retained: list[dict]) -> dict:
    """Returns the names and email addresses of the people in the mentoring that retained
    safeguarding concerns are about, read before their places are detached (kept with the
    erasure under the same legal duty). Empty when nothing is retained."""
    if not retained:
        return {}
    people = []
    for concern in Concern.objects.filter(pk__in=[r["id"] for r in retained]).select_related(
        "relationship__mentee__user", "relationship__mentor__user"
    ):
        if concern.relationship is not None:
            for place in (concern.relationship.mentee, concern.relationship.mentor):
                if place.user not in people:
                    people.append(place.user)
    return {
        "name": ", ".join(u.full_name for u in people),
        "email": ", ".join(u.email for u in people),
    }


def _forget_unmatched_reasons(places: list[int]) -> int:
    """Replaces the reasons a matching run gave for leaving these places unmatched: they
    name the mentee and the mentors considered. Returns how many runs changed."""
    from allied.programmes.models import MatchRun

    changed = 0
    # PostgreSQL refuses FOR UPDATE with DISTINCT: lock the runs found by a subquery.
    named = MatchRun.objects.filter(cohort__participants__in=places).values("pk")
    runs = MatchRun.objects.select_for_update(of=("self",)).filter(pk__in=named)
    for run in runs:
        entries = [
            {**e, "reason": UNMATCHED_REASON_ERASED}
            if e.get("participant") in places and e.get("reason") != UNMATCHED_REASON_ERASED
            else e
            for e in run.unmatched or []
        ]
        if entries != run.unmatched:
            run.unmatched = entries
            run.save(update_fields=["unmatched"])
            changed += 1
    return changed


# Erasure requests.


@transaction.atomic
def erasure_request_make(*, user, request=None) -> ErasureRequest:
    """Returns the person's open request, making one if there is none (asking twice makes one)."""
    found = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).first()
    if found is not None:
        return found
    made = ErasureRequest.objects.create(user=user)
    for organisation in {m.organisation for m in user.memberships.select_related("organisation")}:
        record(
            Kind.PROGRAMME_CHANGED,
            request=request,
            organisation=organisation,
            subject=f"erasure request {made.pk}",
            action="erasure_requested",
        )
    return made


@transaction.atomic
def erasure_request_withdraw(*, user) -> int:
    """Withdraws the person's open request; returns how many were withdrawn (0 or 1)."""
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).update(
        status=ErasureRequest.Status.WITHDRAWN, closed_at=timezone.now()
    )


# Retention.


@transaction.atomic
def retention_set(*, programme: Programme, months: int | None, by, request=None) -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.get_or_create(programme=programme)
    if policy.months != months:
        policy.months = months
        policy.updated_by = by
        policy.save()
        record(
            Kind.PROGRAMME_CHANGED,
            request=request,
            actor=by,
            organisation=programme.organisation,
            subject=programme.name,
            action="retention_set",
            months=months,
        )
    return policy


def add_months(day: date, months: int) -> date:
    """Returns the same day `months` later (the month's last day when it is shorter)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_ends_on(programme: Programme, months: int | None) -> date | None:
    """Returns the day after which the programme's personal data goes, or None to keep it.
    Reads the last cohort's end: one query."""
    if months is None:
        return None
    last = programme.cohorts.aggregate(last=Max("ends_on"))["last"]
    return add_months(last, months) if last else None


def programme_live(programme: Programme, months: int | None, today: date) -> bool:
    """Returns whether the programme's people's data must stay: no retention period, a cohort
    not yet marked finished, mentoring still requested, in conversation or active, or the
    last cohort ended within the period. Finished cohorts and ended mentoring are what allow
    erasure: dates alone never do."""
    from allied.programmes.models import Relationship

    ends = retention_ends_on(programme, months)
    if ends is None or ends >= today:
        return True
    if programme.cohorts.exclude(status=Cohort.Status.FINISHED).exists():
        return True
    return Relationship.objects.filter(
        cohort__programme=programme, status__in=Relationship.HOLDS_PLACE
    ).exists()


def _live_programmes(today: date):
    """Programmes whose people's data must stay (see `programme_live`)."""
    live = set()
    for programme in Programme.objects.select_related("retention_policy"):
        policy = getattr(programme, "retention_policy", None)
        if programme_live(programme, policy.months if policy else None, today):
            live.add(programme.pk)
    return live


def places_due(programme: Programme) -> int:
    """Returns how many of the programme's places retention has not yet erased."""
    done = Erasure.objects.filter(programme=programme, scope=Erasure.Scope.PROGRAMME)
    return (
        Participant.objects.filter(cohort__programme=programme)
        .exclude(pk__in=_erased_places(done))
        .count()
    )


def retention_apply(*, today: date | None = None) -> dict[str, int]:
    """Erases the places of every programme past its retention period; returns counts.

    A person whose places are erased keeps their account. When they have no place left in a
    programme whose data must stay, their own allyship reflections go too (they were kept for
    mentoring that has ended everywhere). Safe to run twice, or twice at once: each
    programme's policy row is locked first, and the places already erased are read under
    the lock, so erased places are never erased (or recorded) again."""
    today = today or timezone.localdate()
    live = _live_programmes(today)
    totals = Counter()
    for pk in RetentionPolicy.objects.filter(months__isnull=False).values_list("pk", flat=True):
        with transaction.atomic():
            policy = (
                RetentionPolicy.objects.select_for_update(of=("self",))
                .select_related("programme__organisation")
                .filter(pk=pk)
                .first()
            )
            if policy is None or policy.months is None:
                continue
            programme = policy.programme
            if programme.pk in live or programme_live(programme, policy.months, today):
                continue
            done = Erasure.objects.filter(programme=programme, scope=Erasure.Scope.PROGRAMME)
            places = list(
                Participant.objects.select_for_update(of=("self",))
                .filter(cohort__programme=programme)
                .exclude(pk__in=_erased_places(done))
                .order_by("pk")
            )
            if not places:
                continue
            erasure = places_erase(programme=programme, places=places)
            reflections = _reflections_after_last_place({p.user_id for p in places}, live)
            policy.last_applied_at = timezone.now()
            policy.save(update_fields=["last_applied_at"])
            record(
                Kind.RETENTION_APPLIED,
                organisation=programme.organisation,
                subject=programme.name,
                programme=programme.pk,
                places=len(places),
                rows=erasure.total,
                reflections=reflections,
                retained=len(erasure.retained),
            )
            totals["programmes"] += 1
            totals["places"] += len(places)
            totals["rows"] += erasure.total + reflections
    # Each tick also empties SQLite's log, in case an erasure's own attempt met a reader.
    empty_the_log()
    return {"programmes": totals["programmes"], "places": totals["places"], "rows": totals["rows"]}


def _erased_places(done) -> set[int]:
    erased: set[int] = set()
    for places in done.values_list("places", flat=True):
        erased.update(places)
    return erased


def _reflections_after_last_place(users: set[int], live: set[int]) -> int:
    """Deletes the allyship reflections of people with no place left in a live programme;
    returns how many went."""
    from allied.allyship.models import Reflection

    still = set(
        Participant.objects.filter(user__in=users, cohort__programme__in=live).values_list(
            "user", flat=True
        )
    )
    gone = users - still
    if not gone:
        return 0
    return Reflection.objects.filter(author__in=gone).delete()[1].get("allyship.Reflection", 0)
