"""The methods and reporting appendix of finished workshops, written from their record.

Everything here is read from what the workshop left: its questions and briefing, the consensus
definition fixed before it started, who joined and took part in each phase and round, the
phase changes, merges, proxy entries, notes and results. Participants appear by pseudonym
only; their characteristics only as counts under the small-number rule. What the record cannot
say is marked for the researcher (allied.core.reporting). docs/reporting-appendix.md.
"""

from __future__ import annotations

from collections import Counter
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from django.utils import timezone

from allied.core import ngt
from allied.core import reporting as r
from allied.core.disclosure import RULE_LINES, SMALLEST_SHOWN, disclose_structured
from allied.workshops.forms import CharacteristicsForm
from allied.workshops.models import (
    CHARACTERISTIC_FIELDS,
    NOT_GIVEN,
    Admission,
    Ballot,
    DraftIdea,
    Idea,
    PhaseChange,
    Question,
    SetAsideBallot,
    StaffRole,
    Turn,
    Workshop,
)
from allied.workshops.results import (
    WRITERS,
    engine_scheme,
    methods_text,
    panel_counts,
    question_tally,
)


def allied_version() -> str:
    try:
        return package_version("allied")
    except PackageNotFoundError:  # pragma: no cover - a checkout run without installing
        return "unknown"


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}" if moment else "not recorded"


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _taking_part(workshop: Workshop):
    return workshop.participants.filter(consented_at__isnull=False, admission=Admission.ADMITTED)


def build(workshops: list[Workshop]) -> r.Appendix:
    """Returns the appendix of one finished workshop, or of several pooled on one study."""
    one = len(workshops) == 1
    title = (
        f"Methods and reporting appendix: {workshops[0].title}"
        if one
        else f"Methods and reporting appendix: {len(workshops)} workshops"
    )
    preface = (
        r.Text(
            f"Written by Allied {allied_version()} on {_when(timezone.now())} from the record of "
            + (
                f"the workshop “{workshops[0].title}”."
                if one
                else "the workshops " + "; ".join(f"“{w.title}”" for w in workshops) + "."
            )
        ),
        r.Text(
            f"Passages marked “{r.TO_ADD}” are for you to write or confirm: the record cannot "
            "supply them. Participants appear by pseudonym only, and counts of their "
            "characteristics follow the small-number rule."
        ),
    )
    sections = [
        r.Section("questions", "The questions and how they were framed", _questions(workshops)),
        r.Section("consensus", "The consensus definition", _consensus(workshops)),
        r.Section("panel", "The panel", _panel(workshops)),
        r.Section("anonymity", "Anonymity", _anonymity(workshops)),
        r.Section(
            "platform",
            "Platform, mode and changes from the classic technique",
            _platform(workshops),
        ),
        r.Section("facilitators", "Facilitators and others present", _facilitators(workshops)),
        r.Section("timeline", "Rounds and timings", _timeline(workshops)),
        r.Section("analysis", "Voting and analysis", _analysis(workshops)),
        r.Section("results", "Results", _results(workshops)),
    ]
    return r.with_checklists(title, preface, sections)


def _questions(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for w in workshops:
        date = f", held on {w.date:%-d %B %Y}" if w.date else ""
        blocks.append(
            r.Text(f"Workshop “{w.title}”{date}." + (f" Purpose: {w.purpose}" if w.purpose else ""))
        )
        for q in w.questions.all():
            blocks.append(r.Text(f"Question {q.order}: “{q.text}”"))
        if w.briefing:
            blocks.append(
                r.Text(f"Participants were shown this briefing in the introduction: “{w.briefing}”")
            )
        files = [f.name for f in w.files.all()]
        if files:
            blocks.append(
                r.Text("Briefing files shared with participants: " + "; ".join(files) + ".")
            )
        accepted = Counter(_taking_part(w).values_list("consent_version", flat=True))
        versions = "; ".join(
            f"version {v}: {n} participant{'s' if n != 1 else ''}"
            for v, n in sorted(accepted.items())
        )
        blocks.append(
            r.Text(
                f"Before taking part, each participant accepted a consent statement ({versions or 'nobody took part'}). "
                f"The current statement, version {w.consent_version}, reads: “{w.consent_statement}”"
                + (
                    " Some accepted an earlier version, whose wording Allied does not keep."
                    if any(v != w.consent_version for v in accepted)
                    else ""
                )
            )
        )
    blocks.append(
        r.Text(
            "How the questions were developed, who developed them and whether they were piloted. "
            "Check that the purpose and briefing above are as they were on the day: they can be "
            "edited afterwards.",
            to_add=True,
        )
    )
    return tuple(blocks)


def _consensus(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for w in workshops:
        started = PhaseChange.objects.filter(question__workshop=w).order_by("at").first()
        for q in w.questions.all():
            scheme = engine_scheme(q)
            rule = ngt.scheme_sentence(ngt.TallyResult(scheme=scheme, tie_break=(), questions=()))
            words = q.consensus_definition.strip()
            blocks.append(
                r.Text(
                    f"“{w.title}”, question {q.order}: {rule}"
                    + (f" In the facilitator's words: “{words}”" if words else "")
                )
            )
            blocks.append(
                r.Text(
                    (
                        f"The definition was set on {_when(q.consensus_set_at)} and fixed"
                        if q.consensus_set_at
                        else "Allied's default definition was kept, and fixed"
                    )
                    + f" when the workshop started, on {_when(started.at if started else None)}, "
                    "before any vote; Allied refuses any change to it after the start."
                )
            )
            if q.exclude_bottom is not None:
                blocks.append(r.Text(_carry_forward_record(q)))
    return tuple(blocks)


def _carry_forward_record(question: Question) -> str:
    """Says how the carry-forward rule was applied, with each round that departed from it."""
    said = (
        "Allied applied the carry-forward rule itself: each later round's ballot held only the "
        "ideas the round before had neither agreed nor excluded."
    )
    tally = question_tally(question)
    departures = []
    for block in tally.questions if tally is not None else ():
        cf = block.carry_forward
        if cf is not None and (cf.rated_though_settled or cf.not_rated_though_sent_on):
            departures.append(ngt.carry_forward_line(block).split(". ", 1)[1])
    if departures:
        return f"{said} Departures from it: {' '.join(departures)}"
    return f"{said} No round departed from it."


def _panel(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    rows = []
    for w in workshops:
        everyone = w.participants.all()
        invited = everyone.filter(added_by__isnull=False).count()
        invited_joined = everyone.filter(added_by__isnull=False, consented_at__isnull=False).count()
        by_code = everyone.filter(added_by__isnull=True, consented_at__isnull=False).count()
        waiting = everyone.filter(admission=Admission.WAITING, consented_at__isnull=False).count()
        turned = everyone.filter(admission=Admission.TURNED_AWAY).count()
        late = everyone.filter(admission=Admission.ADMITTED, admission_by__isnull=False).count()
        took_part = _taking_part(w).count()
        rows.append(
            (
                w.title,
                str(invited),
                str(invited_joined),
                str(by_code),
                str(late),
                str(waiting),
                str(turned),
                str(took_part),
            )
        )
    blocks: list[r.Block] = [
        r.Table(
            "Who was invited, joined and took part",
            (
                "Workshop",
                "Invited by personal link",
                "Of those, joined",
                "Joined with the code",
                "Let in after joining late",
                "Still waiting at the end",
                "Turned away",
                "Took part",
            ),
            tuple(rows),
        )
    ]
    phase_rows = []
    for w in workshops:
        for q in w.questions.all():
            admitted = {"participant__admission": Admission.ADMITTED}
            if w.panel_counts is not None and WRITERS in w.panel_counts:
                # A strict workshop's drafts are gone; their writers were counted first.
                writers = w.panel_counts[WRITERS].get(str(q.order), 0)
            else:
                writers = (
                    DraftIdea.objects.filter(question=q, **admitted)
                    .values("participant")
                    .distinct()
                    .count()
                )
            sharers = (
                Turn.objects.filter(question=q, idea__isnull=False, **admitted)
                .values("participant")
                .distinct()
                .count()
            )
            voted = Counter(
                Ballot.objects.filter(question=q, **admitted).values_list("vote_round", flat=True)
            )
            votes = "; ".join(f"round {n}: {voted[n]}" for n in sorted(voted)) or "none"
            phase_rows.append((w.title, str(q.order), str(writers), str(sharers), votes))
    blocks.append(
        r.Table(
            "How many took part in each phase and round",
            (
                "Workshop",
                "Question",
                "Wrote ideas in silence (on a device)",
                "Shared ideas in round-robin",
                "Voted",
            ),
            tuple(phase_rows),
        )
    )
    blocks.append(
        r.Text(
            "Ideas written on paper and shared aloud, or entered for a participant by a "
            "facilitator, count under round-robin but not under silent writing."
        )
    )
    blocks += _characteristics(workshops)
    blocks.append(
        r.Text(
            "How participants were sampled and first approached, and why anyone invited did not "
            "take part.",
            to_add=True,
        )
    )
    return tuple(blocks)


# Answers people typed in their own words: an answer fewer than the smallest shown number gave
# is folded into "Other answers", so that no one's own words are printed as existing.
FREE_TEXT = frozenset({"profession", "gender", "ethnic_group"})
# Special category data: when one answer holds everyone, every figure is hidden (decision
# 0008), or anyone who knew who attended would learn each person's answer.
SPECIAL = frozenset({"gender", "ethnic_group"})
OTHER = "Other answers"


def _characteristics(workshops: list[Workshop]) -> list[r.Block]:
    pooled: dict[str, Counter] = {field: Counter() for field, _ in CHARACTERISTIC_FIELDS}
    for w in workshops:
        counts = panel_counts(w)
        for field, _ in CHARACTERISTIC_FIELDS:
            pooled[field].update(counts.get(field, {}))
    labels = {
        "setting": dict(CharacteristicsForm.base_fields["setting"].choices),
        "age_range": dict(CharacteristicsForm.base_fields["age_range"].choices),
    }
    blocks: list[r.Block] = []
    for field, label in CHARACTERISTIC_FIELDS:
        counts = Counter()
        for answer, people in pooled[field].items():
            if field in FREE_TEXT and answer != NOT_GIVEN and people < SMALLEST_SHOWN:
                answer = OTHER
            counts[labels.get(field, {}).get(answer, answer)] += people
        shown = _disclosed(counts, special=field in SPECIAL)
        rows = tuple(
            (answer, shown[answer])
            for answer in sorted(counts, key=lambda a: (a in (OTHER, NOT_GIVEN), a == NOT_GIVEN, a))
        )
        blocks.append(
            r.Table(
                f"{label} of those who took part (optional questionnaire)",
                ("Answer", "People"),
                (*rows, ("All who took part", shown[_TOTAL])),
            )
        )
    blocks.append(
        r.Text(
            " ".join(RULE_LINES)
            + f" Answers in people's own words given by fewer than {SMALLEST_SHOWN} are counted "
            f"together as “{OTHER}”."
            + (
                " Counts across workshops count each workshop's participants."
                if len(workshops) > 1
                else ""
            )
        )
    )
    return blocks


_TOTAL = "\0total"


def _disclosed(counts: Counter, *, special: bool) -> dict[str, str]:
    """Each answer's count and the total as they may be shown: the structured rule over one
    breakdown, with the special-category rule when `special`."""
    people: dict[str, set] = {
        answer: {(answer, i) for i in range(n)} for answer, n in counts.items()
    }
    cells = {**people, _TOTAL: set().union(*people.values()) if people else set()}
    return disclose_structured(cells, [(_TOTAL, list(people))], special=(0,) if special else ())


def _anonymity(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for w in workshops:
        promised = Counter(_taking_part(w).values_list("consented_anonymity", flat=True))
        said = "; ".join(
            f"{n} agreed under "
            + (
                Workshop.Anonymity(mode).label.lower()
                if mode
                else "a promise Allied did not yet record"
            )
            for mode, n in sorted(promised.items())
        )
        if w.identities_destroyed_at:
            mode = (
                "strict: while the workshop ran, the key linking each pseudonym to a person "
                "was seen only by the lead facilitator and the organisation's administrator; "
                f"Allied destroyed it on {_when(w.identities_destroyed_at)}, with the answers "
                "about themselves (only their counts were kept), private drafts nobody shared "
                "and the times each person joined"
            )
        else:
            mode = (
                "named: the key linking each pseudonym to a person is kept, seen only by the "
                "lead facilitator and the organisation's administrator"
            )
        mode += f" ({said})" if said else ""
        blocks.append(
            r.Text(
                f"“{w.title}”: on every screen, in the record and in every export, participants "
                f"appear by pseudonym (P1, P2 and so on). Anonymity was {mode}."
            )
        )
    proxy = Ballot.objects.filter(question__workshop__in=workshops, entered_by__isnull=False)
    blocks.append(
        r.Text(
            "Nobody saw any result, the facilitators included, until the facilitator closed the "
            "vote, and no participant saw another's ballot. The record keeps each ballot under "
            "its voter's pseudonym, so the results can be re-counted; staff of the workshop can "
            "download these pseudonymised ballots."
            + (
                f" {proxy.count()} paper ballot(s) were entered by a facilitator or note-taker, "
                "who saw them."
                if proxy.exists()
                else ""
            )
        )
    )
    blocks.append(
        r.Text(
            "In a room, participants may have recognised one another and heard each other's "
            "ideas; say how the room was arranged and whether pseudonyms were used aloud.",
            to_add=True,
        )
    )
    return tuple(blocks)


def _platform(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    ideas = Idea.objects.filter(question__workshop__in=workshops)
    ballots = Ballot.objects.filter(question__workshop__in=workshops)
    proxy_ideas = ideas.filter(entered_by__isnull=False).count()
    own_ideas = ideas.filter(entered_by__isnull=True, participant__isnull=False).count()
    proxy_ballots = ballots.filter(entered_by__isnull=False).count()
    own_ballots = ballots.filter(entered_by__isnull=True).count()
    if (proxy_ideas or proxy_ballots) and (own_ideas or own_ballots):
        mode = "hybrid: some took part on their own devices, and facilitators entered ideas or paper ballots for others"
    elif proxy_ideas or proxy_ballots:
        mode = "in person, with facilitators entering every idea and ballot"
    else:
        mode = "on participants' own devices (online, or in a room with devices)"
    blocks: list[r.Block] = [
        r.Text(
            f"The workshop{'s' if len(workshops) > 1 else ''} ran on Allied {allied_version()}, a web application for nominal "
            "group technique workshops and mentoring programmes, in participants' web browsers, "
            "with a screen for the room that shows the question, the ideas and the results."
        ),
        r.Text(f"The record shows the workshop was run {mode}."),
        r.Text(
            "Whether the workshop was online, in person or hybrid, and where it took place.",
            to_add=True,
        ),
    ]
    changes = []
    for w in workshops:
        for q in w.questions.all():
            changes.append(
                f"“{w.title}”, question {q.order}: silent generation was timed at {q.silent_minutes} minutes"
            )
    edited = sum(1 for i in ideas if i.text != i.original_text)
    merged = list(ideas.filter(merged_into__isnull=False).select_related("merged_into"))
    set_aside = SetAsideBallot.objects.filter(question__workshop__in=workshops).count()
    rounds = [q.vote_round for w in workshops for q in w.questions.all()]
    shuffled = [w.title for w in workshops if w.shuffle_ballots]
    lines = [
        "Changes from the classic nominal group technique (Delbecq and Van de Ven), as the "
        "record shows them:",
        "; ".join(changes) + ".",
        f"{proxy_ideas} idea(s) and {proxy_ballots} ballot(s) were entered by a facilitator or "
        "note-taker for a participant (proxy entry and paper ballots).",
        f"{edited} idea(s) were reworded in clarification with the group; the original "
        "wording is kept.",
        f"{len(merged)} idea(s) were merged into another, each with the group's agreement "
        "recorded"
        + (
            ": "
            + "; ".join(
                f"idea {i.number} into {i.merged_into.number} ({i.merge_agreement})" for i in merged
            )
            if merged
            else ""
        )
        + ".",
        "Each participant's ballot listed the ideas in an order shuffled for them in: "
        + ("; ".join(f"“{t}”" for t in shuffled) if shuffled else "none of the workshops")
        + ".",
        f"Voting rounds per question: {', '.join(str(n) for n in rounds)} (more than one "
        "means a re-vote after discussion).",
    ]
    if set_aside:
        lines.append(
            f"{set_aside} ballot(s) were set aside, uncounted, when a facilitator went back from "
            "voting to change the ideas; their voters voted again."
        )
    blocks += [r.Text(line) for line in lines]
    return tuple(blocks)


def _facilitators(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    rows = []
    for w in workshops:
        for staff in w.staff.select_related("user").order_by("role", "user__email"):
            name = staff.user.get_full_name() or "(no name on their account)"
            rows.append((w.title, name, staff.get_role_display()))
    roles = (
        f"{StaffRole.LEAD.label}: runs the workshop and alone sees who is behind each "
        f"pseudonym. {StaffRole.CO_FACILITATOR.label}: runs it with the lead. "
        f"{StaffRole.NOTE_TAKER.label}: takes notes and enters ideas and ballots for "
        f"participants. {StaffRole.OBSERVER.label}: watches only."
    )
    return (
        r.Table("Staff of each workshop", ("Workshop", "Name", "Role"), tuple(rows)),
        r.Text(roles),
        r.Text(
            "Each facilitator's qualifications, job, experience and relationship to the participants.",
            to_add=True,
        ),
    )


def _timeline(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for w in workshops:
        changes = list(
            PhaseChange.objects.filter(question__workshop=w)
            .select_related("question")
            .order_by("at", "id")
        )
        rows = []
        for here, after in zip(changes, [*changes[1:], None], strict=True):
            if here.question_id and after is not None:
                seconds = (after.at - here.at).total_seconds()
                took = _minutes(seconds)
            else:
                took = "until the end"
            rows.append(
                (
                    str(here.question.order),
                    here.get_to_phase_display(),
                    str(here.vote_round),
                    f"{timezone.localtime(here.at):%H:%M}",
                    took,
                )
            )
        if changes:
            whole = _minutes((changes[-1].at - changes[0].at).total_seconds())
            blocks.append(
                r.Text(
                    f"“{w.title}” ran from {_when(changes[0].at)} to the start of its last "
                    f"phase {whole} later."
                )
            )
        blocks.append(
            r.Table(
                f"Phases of “{w.title}”",
                ("Question", "Phase", "Voting round", "Began", "Lasted"),
                tuple(rows),
            )
        )
        everyone_passed = [q.order for q in w.questions.all() if _round_robin_ended_by_passes(q)]
        if everyone_passed:
            blocks.append(
                r.Text(
                    "Round-robin went on until everyone had passed in a row for question(s) "
                    + ", ".join(str(n) for n in everyone_passed)
                    + "."
                )
            )
    blocks.append(
        r.Text(
            "Why the number of rounds was chosen, and whether data saturation was considered.",
            to_add=True,
        )
    )
    return tuple(blocks)


def _round_robin_ended_by_passes(question: Question) -> bool:
    turns = list(Turn.objects.filter(question=question).values_list("idea_id", flat=True))
    taking_part = _taking_part(question.workshop).count()
    return (
        taking_part > 0
        and len(turns) >= taking_part
        and all(t is None for t in turns[-taking_part:])
    )


def _analysis(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = [
        r.Text(
            "Method: the nominal group technique (silent generation of ideas, round-robin "
            "sharing, clarification and grouping into themes, private voting, results shown at "
            "once, and a final discussion of the ranking's face validity)."
        )
    ]
    for w in workshops:
        for q in w.questions.all():
            tally = question_tally(q)
            if tally is None:
                blocks.append(r.Text(f"“{w.title}”, question {q.order}: nobody voted."))
                continue
            blocks.append(r.Text(f"“{w.title}”, question {q.order}: {methods_text(q, tally)}"))
    blocks.append(
        r.Text(
            "Themes were formed from the ideas during clarification, with the group, not set in "
            "advance. Statistics are documented, with worked examples, in Allied's NGT results "
            "documentation (docs/ngt-results.md)."
        )
    )
    blocks.append(r.Text("The wider methodological orientation of the study.", to_add=True))
    return tuple(blocks)


def _results(workshops: list[Workshop]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for w in workshops:
        for q in w.questions.all():
            tally = question_tally(q)
            name = f"“{w.title}”, question {q.order}"
            if tally is None:
                blocks.append(r.Text(f"{name}: nobody voted on this question."))
            for block in tally.questions if tally is not None else ():
                blocks.append(_ranking(name, block, tally))
                lines = [
                    ngt.agreement_line(block),
                    ngt.stability_line(block),
                    ngt.carry_forward_line(block),
                ]
                blocks.append(r.Text(" ".join(line for line in lines if line)))
            if q.face_validity:
                reason = q.face_validity_reason.strip()
                blocks.append(
                    r.Text(
                        f"{name}: in the final discussion the group judged the ranking to have "
                        f"face validity: {q.get_face_validity_display().lower()}"
                        + (f". {reason}" if reason else ".")
                    )
                )
            for note in q.notes.all():
                blocks.append(r.Text(f"{name}, note taken during the workshop: “{note.text}”"))
            themes = list(q.themes.prefetch_related("ideas"))
            if themes:
                blocks.append(
                    r.Table(
                        f"{name}: themes and their ideas",
                        ("Theme", "Ideas"),
                        tuple(
                            (
                                t.name,
                                "; ".join(
                                    i.label for i in t.ideas.all() if i.merged_into_id is None
                                ),
                            )
                            for t in themes
                        ),
                    )
                )
    blocks.append(
        r.Text(
            "After each vote the ranking was shown at once to everyone in the room and on their "
            "devices, and discussed in the final discussion."
        )
    )
    return tuple(blocks)


def _ranking(name: str, block: ngt.QuestionResult, tally: ngt.TallyResult) -> r.Table:
    rating = isinstance(tally.scheme, ngt.RatingScheme)
    rand = ngt.rand_applies(tally)
    carry = ngt.carries_forward(tally)
    headers: tuple[str, ...] = ("Rank", "Idea", "Theme")
    if rating:
        headers += ("Median", "IQR", "Agreed", "Raters")
        if rand:
            headers += (
                "P30",
                "P70",
                "IPR",
                "IPRAS",
                "Disagreement",
                "Panel-size rule",
                "Appropriateness",
            )
        if carry:
            headers += ("Outcome",)
    else:
        headers += ("Score", "Voters", "% of maximum")
    rows = []
    for idea in block.ideas:
        if rating and idea.voters == 0 and block.round > 1:
            continue  # not put to this round
        if rating:
            cells: tuple[str, ...] = (
                _number(idea.median),
                _number(idea.iqr),
                _yes(idea.agreed),
                str(idea.voters),
            )
            if rand:
                cells += (
                    _number(idea.p30),
                    _number(idea.p70),
                    _number(idea.ipr),
                    _number(idea.ipras),
                    _yes(idea.disagreement),
                    ngt.panel_rule_words(idea),
                    idea.appropriateness or "",
                )
            if carry:
                cells += (idea.outcome or "not rated",)
        else:
            cells = (f"{idea.total:g}", str(idea.voters), f"{idea.pct_of_max:.1f}")
        rows.append((str(idea.rank), idea.idea, idea.theme or "", *cells))
    return r.Table(
        f"{name}: ranking, voting round {block.round} ({block.voters} voters)",
        headers,
        tuple(rows),
    )


def _number(x: float | None) -> str:
    return "" if x is None else f"{round(x, 2):g}"


def _yes(x: bool | None) -> str:
    return "" if x is None else ("yes" if x else "no")
