"""Every model that holds something about a person, found by introspecting the installed
models, and what a copy of a person's data (subject access) and erasure do with each.

A *chain* is a path of forward foreign keys from a model to a person, such as
`Meeting.relationship.mentee.user` or `PrivateNote.author`. A person is a `User`, or a row
that carries their email address: a workshop participant (who needs no account) or an
invitation. Chains come in two kinds:

- an *owner* chain runs only through foreign keys that go when their target goes (CASCADE):
  the row is about the person, so erasure applies the model's rule to it (delete it, or scrub
  its free text and keep it as an anonymous shell that still counts in the figures);
- a *mention* chain starts with a foreign key that is set to null when its target goes
  (SET_NULL: `created_by`, `recorded_by`, a circle's facilitator): the row is someone else's
  and only names the person, so erasure unlinks it and a copy lists it.

`RULES` says what to do with every model that has a chain. `tests/rights/test_registry.py`
fails when a model has a chain and no rule, so a new model cannot be forgotten; at run time a
model without a rule is still treated safely (its owner rows are scrubbed, its mentions
unlinked). Free text is every text, character, email, JSON, address and file field without
choices: whatever a person may have typed or uploaded.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

# The rows that name a person by email address rather than by account.
EMAIL_ROOTS = {"workshops.participant": "email", "accounts.invitation": "email"}
PLACE = "programmes.participant"
USER, EMAIL = "user", "email"
MAX_DEPTH = 6

DELETE = "delete"  # the row is removed (and whatever hangs off it)
SCRUB = "scrub"  # free text blanked; the row stays as an anonymous shell for the figures
KEEP = "keep"  # the row holds nothing but the link; it stays, linked to the scrubbed shell
UNLINK = "unlink"  # the row is someone else's and only names the person: the name goes
CUSTOM = "custom"  # handled by `allied.rights.actions` (the account, the audit log, ...)

# Never in anyone's copy: secrets and internal keys.
SECRET_FIELDS = {
    "password",
    "key",
    "digest",
    "token_digest",
    "invite_digest",
    "session_digest",
    "submission",
    "session_generation",
    "binding",
    "client_id",
    "throttling_failure_timestamp",
    "throttling_failure_count",
}


@dataclass(frozen=True)
class Rule:
    """What erasure and a copy do with one model's rows about a person.

    `also` names coded fields blanked too (a profile's band and profession); `keep` names free
    text kept (text that is the group's record, not the person's); `hide` names fields left out
    of a copy; `copy` narrows which rows go into a person's copy (someone else's private note
    on a shared meeting stays theirs); `title` heads the copy's section; `author` names the
    field saying who wrote each row, when erasing a person takes only the rows they wrote
    (their partner's private notes on a shared meeting stay the partner's)."""

    erase: str
    why: str
    title: str = ""
    also: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    copy: Callable | None = None
    in_copy: bool = True
    special: tuple[str, ...] = ()
    author: str = ""


def _own(field_name: str) -> Callable:
    return lambda rows, user: rows.filter(**{field_name: user})


def _published_runs(rows, user):
    return rows.filter(run__status="published")


def _offers_to_me(rows, user):
    return rows.filter(mentee__user=user)


RULES: dict[str, Rule] = {
    # Accounts.
    "accounts.user": Rule(
        CUSTOM, "The account is deactivated and its name and email replaced (actions).", "Account"
    ),
    "accounts.membership": Rule(DELETE, "Roles end with the person.", "Roles"),
    "accounts.invitation": Rule(
        DELETE, "Invitations sent to the person's address go.", "Invitations to you"
    ),
    "accounts.apitoken": Rule(DELETE, "API tokens stop working and go.", "API tokens"),
    "accounts.user_groups": Rule(DELETE, "Django's groups: unused, removed.", in_copy=False),
    "accounts.user_user_permissions": Rule(
        DELETE, "Django's permissions: unused, removed.", in_copy=False
    ),
    "otp_totp.totpdevice": Rule(
        DELETE, "The authenticator app's secret goes.", "Two-factor devices"
    ),
    "audit.auditevent": Rule(
        CUSTOM,
        "Append-only: earlier entries are pseudonymised, never deleted (actions).",
        in_copy=False,
    ),
    # Workshops: the person's pseudonym stays, so ballots stay in the published results, but
    # nothing links it to them any more.
    "workshops.participant": Rule(
        SCRUB, "The key to the pseudonym (name, email, links) is destroyed.", "Workshops"
    ),
    "workshops.characteristics": Rule(
        DELETE,
        "Optional answers about the person, special category included.",
        "About you, for workshop reports",
        special=("gender", "ethnic_group"),
    ),
    "workshops.draftidea": Rule(DELETE, "Private drafts.", "Draft ideas"),
    "workshops.turn": Rule(KEEP, "Round-robin order, linked only to the pseudonym.", "Turns"),
    "workshops.ballot": Rule(KEEP, "Ballots stay in the results under the pseudonym.", "Ballots"),
    "workshops.ballotchoice": Rule(KEEP, "Votes stay in the results.", "Votes"),
    "workshops.setasideballot": Rule(
        DELETE,
        "Votes set aside when the facilitator went back were never counted: they go (the "
        "workshop's note of how many were set aside stays).",
        "Votes set aside",
    ),
    "workshops.idea": Rule(
        UNLINK,
        "Shared ideas are the group's anonymised record (the consent statement says so).",
        "Ideas you shared",
    ),
    "workshops.workshop": Rule(UNLINK, "The workshop belongs to the organisation."),
    "workshops.briefingfile": Rule(UNLINK, "Briefing files belong to the workshop."),
    "workshops.workshopstaff": Rule(DELETE, "Roles in workshops end.", "Workshop roles"),
    "workshops.phasechange": Rule(UNLINK, "The workshop's log keeps the change, not the name."),
    "workshops.note": Rule(UNLINK, "Facilitators' notes belong to the workshop."),
    # Programmes.
    "programmes.programme": Rule(UNLINK, "The programme belongs to the organisation."),
    "programmes.programme_coordinators": Rule(
        DELETE, "The person stops coordinating.", "Programmes you coordinate"
    ),
    "programmes.participant": Rule(
        SCRUB,
        "The place stays as an anonymous shell so the programme's figures still count it.",
        "Programme places",
        also=(
            "profession",
            "band",
            "work_setting",
            "region",
            "meeting_mode",
            "openness",
            "conscientiousness",
            "race_conversation",
            "race_raised_by",
            "race_comfort",
        ),
    ),
    "programmes.specialcategory": Rule(
        DELETE, "Ethnicity and gender go entirely.", "Equality monitoring", in_copy=False
    ),
    "programmes.matchrun": Rule(UNLINK, "The run belongs to the cohort."),
    "programmes.proposal": Rule(
        SCRUB,
        "Explanations go; the pair stays for the figures.",
        "Proposed matches",
        hide=("explanation", "score", "locked"),
        copy=_published_runs,
    ),
    "programmes.shortlistoffer": Rule(
        SCRUB, "Explanations go.", "Mentors suggested to you", copy=_offers_to_me
    ),
    "programmes.relationship": Rule(
        SCRUB, "Notes and reasons go; dates and endings stay for the figures.", "Mentoring"
    ),
    "programmes.agreement": Rule(
        SCRUB, "The agreement's text is about the pair: it goes; dates stay.", "Agreements"
    ),
    "programmes.meeting": Rule(SCRUB, "Shared notes and places go; dates stay.", "Meetings"),
    "programmes.privatenote": Rule(
        DELETE,
        "The person's own private notes go; their partner's stay the partner's, with the "
        "person's name taken out.",
        "Your private notes",
        copy=_own("author"),
        author="author",
    ),
    "programmes.goal": Rule(SCRUB, "Goal text goes; counts stay.", "Goals"),
    "programmes.goalaction": Rule(SCRUB, "Action text goes.", "Goal actions"),
    "programmes.goalupdate": Rule(SCRUB, "Update text goes.", "Goal updates"),
    "programmes.sponsorshipaction": Rule(
        SCRUB, "Descriptions and comments go; kinds and dates stay.", "Sponsorship"
    ),
    "programmes.review": Rule(
        SCRUB,
        "Comments go; ratings stay for the suppressed figures.",
        "Your reviews",
        copy=_own("author"),
    ),
    "programmes.concern": Rule(
        CUSTOM,
        "Safeguarding concerns are kept under a legal duty; other concerns lose their text.",
        "Concerns you raised",
    ),
    "programmes.careeroutcome": Rule(
        SCRUB, "Descriptions and notes go; kinds and dates stay for the figures.", "Career steps"
    ),
    # Circles.
    "circles.circleformation": Rule(UNLINK, "The formation run belongs to the cohort."),
    "circles.circle": Rule(UNLINK, "The circle belongs to its members; a facilitator is unlinked."),
    "circles.circlemembership": Rule(SCRUB, "Notes go; membership dates stay.", "Circles"),
    "circles.circlesession": Rule(UNLINK, "Sessions belong to the circle."),
    "circles.attendance": Rule(KEEP, "Attendance counts stay, under the shell.", "Attendance"),
    "circles.checkin": Rule(DELETE, "Check-ins are private to the member.", "Check-ins"),
    # Allyship.
    "allyship.reflection": Rule(DELETE, "Reflections are the author's alone.", "Reflections"),
    "allyship.answer": Rule(DELETE, "Part of a reflection.", "Reflection answers"),
    "allyship.completion": Rule(
        SCRUB, "The reflection goes; that the module was completed stays.", "Training completed"
    ),
    # Consensus models built from workshops.
    "consensus.modeldraft": Rule(UNLINK, "The draft model belongs to the organisation."),
    "consensus.placement": Rule(UNLINK, "Placements belong to the draft model."),
    "consensus.publishedmodel": Rule(
        UNLINK, "Published models never change; only the publisher's link goes."
    ),
    # Reports.
    "reports.workforcefigure": Rule(UNLINK, "Workforce figures belong to the programme."),
    # Data rights themselves.
    "rights.erasurerequest": Rule(KEEP, "The request holds only its dates.", "Erasure requests"),
    "rights.erasure": Rule(
        CUSTOM, "The record of an erasure: counts, and what was retained and why.", in_copy=False
    ),
    "rights.retentionpolicy": Rule(UNLINK, "The policy belongs to the programme."),
}

FALLBACK = Rule(SCRUB, "No rule yet: free text is scrubbed, mentions unlinked.")


def rule_for(model) -> Rule:
    return RULES.get(model._meta.label_lower, FALLBACK)


@dataclass(frozen=True)
class Chain:
    """A path of foreign keys from `model` to a person; `mention` when its first step is a
    SET_NULL key (the row names the person rather than being about them)."""

    model: type[models.Model]
    fields: tuple[str, ...]
    root: str
    mention: bool
    through_place: str | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return ".".join((self.model._meta.label_lower, *self.fields))

    def rows(self, user):
        """Returns the rows this chain links to the person (a lazy queryset)."""
        manager = self.model._base_manager
        lookup = "__".join(self.fields)
        if self.root == USER:
            return manager.filter(**{lookup or "pk": user.pk})
        if not user.email:
            return manager.none()
        email = EMAIL_ROOTS[_root_label(self)]
        return manager.filter(
            **{f"{lookup}__{email}__iexact" if lookup else f"{email}__iexact": user.email}
        )

    def rows_for_places(self, places: Iterable[int]):
        """Returns the rows this chain links to these programme places; none when the chain
        does not pass through a place."""
        if self.through_place is None:
            return self.model._base_manager.none()
        return self.model._base_manager.filter(**{f"{self.through_place}__in": list(places)})


def _root_label(chain: Chain) -> str:
    model = chain.model
    for name in chain.fields:
        model = model._meta.get_field(name).related_model
    return model._meta.label_lower


def _keys(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and f.is_relation
        and (f.many_to_one or f.one_to_one)
        and f.related_model is not None
    ]


def _is_mention(key) -> bool:
    return key.remote_field.on_delete in (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING)


def _place_prefix(model, path: tuple[str, ...]) -> str | None:
    """Returns the lookup from `model` to a programme place along `path`, if it passes one."""
    if model._meta.label_lower == PLACE:
        return "pk"
    current = model
    for i, name in enumerate(path):
        current = current._meta.get_field(name).related_model
        if current._meta.label_lower == PLACE:
            return "__".join(path[: i + 1])
    return None


@cache
def chains() -> tuple[Chain, ...]:
    """Returns every chain from every installed model (M2M tables included) to a person,
    worked out from the models' foreign keys."""
    user_model = get_user_model()
    every = apps.get_models(include_auto_created=True)
    owner: dict[type, list[tuple[tuple[str, ...], str]]] = {user_model: [((), USER)]}
    for label in EMAIL_ROOTS:
        with contextlib.suppress(LookupError):
            owner[apps.get_model(label)] = [((), EMAIL)]
    changed = True
    while changed:
        changed = False
        for model in every:
            for key in _keys(model):
                if _is_mention(key) or key.related_model not in owner:
                    continue
                for path, root in list(owner[key.related_model]):
                    found = ((key.name, *path), root)
                    if len(found[0]) <= MAX_DEPTH and found not in owner.setdefault(model, []):
                        owner[model].append(found)
                        changed = True
    found: list[Chain] = []
    for model in every:
        for path, root in owner.get(model, []):
            found.append(Chain(model, path, root, False, _place_prefix(model, path)))
        for key in _keys(model):
            if not _is_mention(key) or key.related_model not in owner:
                continue
            for path, root in owner[key.related_model]:
                whole = (key.name, *path)
                found.append(Chain(model, whole, root, True, _place_prefix(model, whole)))
    return tuple(found)


def linked_models() -> list[type[models.Model]]:
    """Returns every model with a chain to a person, in a stable order."""
    seen: dict[str, type] = {}
    for chain in chains():
        seen.setdefault(chain.model._meta.label_lower, chain.model)
    return [seen[k] for k in sorted(seen)]


def chains_of(model) -> tuple[list[Chain], list[Chain]]:
    """Returns (owner chains, mention chains) of one model."""
    mine = [c for c in chains() if c.model is model]
    return [c for c in mine if not c.mention], [c for c in mine if c.mention]


# Free text: anything a person may have typed or uploaded.
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.FileField,
    models.GenericIPAddressField,
)


def free_text_fields(model) -> list[models.Field]:
    """Returns the model's fields that can hold free text (no choices, not a key)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices and not f.primary_key and not f.is_relation
    ]


def _blank(f: models.Field):
    if isinstance(f, models.JSONField):
        return f.get_default() if f.has_default() else ({} if not f.null else None)
    if isinstance(f, (models.CharField, models.TextField, models.FileField)) and not f.choices:
        return ""
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    return ""


def scrub_values(model, rule: Rule) -> dict:
    """Returns {field: blank value} for what scrubbing a row of this model changes."""
    fields = [f for f in free_text_fields(model) if f.name not in rule.keep]
    fields += [model._meta.get_field(name) for name in rule.also]
    return {f.name: _blank(f) for f in fields}


@dataclass
class Plan:
    """The rows one erasure will touch: model → pks to apply its rule to, and (model, key)
    → pks to unlink."""

    owned: dict[type, set[int]] = field(default_factory=dict)
    mentioned: dict[tuple[type, str], set[int]] = field(default_factory=dict)


def erases(chain: Chain) -> bool:
    """Whether erasing a whole person acts on the rows this chain links to them: not when the
    model's rows belong to whoever wrote them and the chain does not run through the author
    (a partner's private note on a meeting with the person)."""
    author = rule_for(chain.model).author
    return chain.mention or not author or chain.fields[:1] == (author,)


def plan(user=None, *, places: Iterable[int] | None = None) -> Plan:
    """Returns the rows to erase for a whole person or, with `places`, for those programme
    places only. Worked out before anything changes, since scrubbing a workshop participant's
    email would otherwise hide the rows that hang off it."""
    places = None if places is None else list(places)
    result = Plan()
    for chain in chains():
        rule = rule_for(chain.model)
        if rule.erase == CUSTOM or (places is None and not erases(chain)):
            continue
        rows = chain.rows(user) if places is None else chain.rows_for_places(places)
        pks = set(rows.values_list("pk", flat=True))
        if not pks:
            continue
        if chain.mention:
            result.mentioned.setdefault((chain.model, chain.fields[0]), set()).update(pks)
        else:
            result.owned.setdefault(chain.model, set()).update(pks)
    return result


def apply(found: Plan) -> Counter:
    """Applies each model's rule to the planned rows; returns rows changed by "app.model"."""
    counts: Counter = Counter()
    for model, pks in found.owned.items():
        rule = rule_for(model)
        label = model._meta.label_lower
        rows = model._base_manager.filter(pk__in=pks)
        if rule.erase == DELETE:
            _remove_files(rows, model)
            counts[label] += rows.delete()[1].get(model._meta.label, 0)
        elif rule.erase == SCRUB:
            _remove_files(rows, model)
            values = scrub_values(model, rule)
            if values:
                counts[label] += rows.update(**values)
    for (model, key), pks in found.mentioned.items():
        if rule_for(model).erase == CUSTOM:
            continue
        changed = model._base_manager.filter(pk__in=pks, **{f"{key}__isnull": False}).update(
            **{key: None}
        )
        if changed:
            counts[model._meta.label_lower] += changed
    return counts


# Retention detaches a programme's places from the people who held them.

# Rows in a programme that stay with the person when its places are detached: their own
# training record (the allyship app decides what happens to reflections).
STAYS_WITH_PERSON = {"allyship.completion"}
PROGRAMME = "programmes.programme"


@cache
def _programme_paths(model, depth: int = 5) -> tuple[str, ...]:
    """Returns the lookups from `model` to the programme it belongs to, through foreign keys
    that go when their target goes (a row merely pointing at a programme is not in it)."""
    if model._meta.label_lower == PROGRAMME:
        return ("pk",)
    if depth == 0:
        return ()
    found = []
    for key in _keys(model):
        if key.remote_field.on_delete is not models.CASCADE or key.related_model is model:
            continue
        for rest in _programme_paths(key.related_model, depth - 1):
            found.append(key.name if rest == "pk" else f"{key.name}__{rest}")
    return tuple(found)


def detach(programme, holders: dict[int, int]) -> Counter:
    """Points every row in the programme that links to a holder of one of its places (the
    place itself, a review's author, a meeting's creator, a goal update's author, ...) at
    that person's placeholder instead; `holders` maps a person's user id to their
    placeholder's. Rows linking to anyone else (a coordinator's decisions) stay. Records
    with a custom rule (concerns kept under a legal duty, the audit log) are left alone.
    Returns rows changed by "app.model"."""
    counts: Counter = Counter()
    if not holders:
        return counts
    user_model = get_user_model()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in STAYS_WITH_PERSON or rule_for(model).erase == CUSTOM:
            continue
        people = [k for k in _keys(model) if k.related_model is user_model]
        paths = _programme_paths(model) if people else []
        if not paths:
            continue
        inside = models.Q()
        for path in paths:
            inside |= models.Q(**{path: programme.pk})
        rows = model._base_manager.filter(inside)
        for key in people:
            pks = set(
                rows.filter(**{f"{key.attname}__in": list(holders)}).values_list("pk", flat=True)
            )
            if not pks:
                continue
            whens = [
                models.When(**{key.attname: old}, then=models.Value(new))
                for old, new in holders.items()
            ]
            counts[label] += model._base_manager.filter(pk__in=pks).update(
                **{key.attname: models.Case(*whens, output_field=models.BigIntegerField())}
            )
    return counts


def _remove_files(rows, model) -> None:
    files = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for row in rows.only("pk", *files) if files else ():
        for name in files:
            stored = getattr(row, name)
            if stored:
                stored.delete(save=False)


# A copy of everything held about a person.


def _value(row, f: models.Field, user, names: dict):
    if f.is_relation:
        target_id = getattr(row, f.attname)
        if target_id is None:
            return None
        if f.related_model is get_user_model():
            return "you" if target_id == user.pk else _name_of(f.related_model, target_id, names)
        return _name_of(f.related_model, target_id, names)
    value = getattr(row, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(row, f"get_{f.name}_display")())
    if isinstance(f, models.FileField):
        return value.name if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _name_of(model, pk, names: dict) -> str:
    key = (model, pk)
    if key not in names:
        found = model._base_manager.filter(pk=pk).first()
        names[key] = str(found) if found is not None else ""
    return names[key]


@dataclass
class Section:
    label: str
    title: str
    rows: list[dict]
    columns: list[tuple[str, str]]  # (field name, verbose name)


# Content with one reader, the person: never in a copy someone else makes for them. A model
# maps to None when all of it is theirs alone, else to the fields that are.
SINGLE_READER: dict[str, tuple[str, ...] | None] = {
    "programmes.privatenote": None,
    "allyship.reflection": None,
    "allyship.answer": None,
    "circles.checkin": None,
    "allyship.completion": ("reflection",),
    "programmes.participant": ("race_note",),
    "programmes.review": (
        "allyship",
        "felt_believed",
        "race_discussed_safely",
        "challenged_barriers",
    ),
}


@cache
def organisation_lookup(model) -> str | None:
    """Returns the shortest lookup from `model` to the organisation its rows belong to
    (`"cohort__programme__organisation"`), or None for rows of the account itself (tokens,
    two-factor devices), which belong to no organisation."""
    from allied.accounts.models import Organisation

    if model is Organisation:
        return "pk"
    paths: list[tuple[type, str]] = [(model, "")]
    seen = {model}
    for _ in range(MAX_DEPTH):
        following = []
        for current, path in paths:
            for key in _keys(current):
                target = key.related_model
                lookup = f"{path}__{key.name}" if path else key.name
                if target is Organisation:
                    return lookup
                if target in seen or target is get_user_model():
                    continue
                seen.add(target)
                following.append((target, lookup))
        paths = following
    return None


def _of_organisation(rows, model, organisation):
    lookup = organisation_lookup(model)
    return rows if lookup is None else rows.filter(**{lookup: organisation})


def copy_sections(user, *, special: bool, organisation=None) -> tuple[list[Section], list[dict]]:
    """Returns the sections of a person's copy (one per model with rows about them) and the
    records that mention them. Special category fields are left out unless `special` (the
    person's own copy). A programme's equality answers are never here: see
    `allied.rights.actions.subject_access`, which reads them through `sensitive`.

    With `organisation` (a copy an organisation admin makes for a member), only that
    organisation's rows (and the account's own, such as its tokens) are in it, and nothing
    with one reader (`SINGLE_READER`): private notes, reflections, check-ins, race notes and
    allyship answers stay the person's, in their own copy."""
    names: dict = {}
    sections: list[Section] = []
    mentions: list[dict] = []
    for model in linked_models():
        rule = rule_for(model)
        owner, mention = chains_of(model)
        label = model._meta.label_lower
        pks: set[int] = set()
        for chain in owner:
            pks.update(chain.rows(user).values_list("pk", flat=True))
        private = SINGLE_READER.get(label, ()) if organisation is not None else ()
        if rule.in_copy and pks and label != "accounts.user" and private is not None:
            rows = model._base_manager.filter(pk__in=pks).order_by("pk")
            if rule.copy is not None:
                rows = rule.copy(rows, user)
            if organisation is not None:
                rows = _of_organisation(rows, model, organisation)
            columns = [
                (f.name, str(f.verbose_name))
                for f in model._meta.concrete_fields
                if f.name not in SECRET_FIELDS
                and f.name not in rule.hide
                and f.name not in private
                and not (f.name in rule.special and not special)
                and not f.primary_key
            ]
            fields = [model._meta.get_field(name) for name, _ in columns]
            found = [
                {"id": row.pk, **{f.name: _value(row, f, user, names) for f in fields}}
                for row in rows
            ]
            if found:
                title = rule.title or str(model._meta.verbose_name_plural).capitalize()
                sections.append(Section(label, title, found, [("id", "ID"), *columns]))
        for chain in mention if rule.erase != CUSTOM else ():
            key = model._meta.get_field(chain.fields[0])
            rows = chain.rows(user)
            if organisation is not None:
                rows = _of_organisation(rows, model, organisation)
            for pk in rows.values_list("pk", flat=True).order_by("pk"):
                if pk in pks:
                    continue  # already in the copy, as a record about them
                mentions.append(
                    {
                        "record": str(model._meta.verbose_name),
                        "id": pk,
                        "as": str(key.verbose_name),
                    }
                )
    return sections, mentions


def as_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
