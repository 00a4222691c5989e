"""Benchmark: a programme's dashboard (and board report) over a large programme, on SQLite and PostgreSQL.

Run `.venv/bin/python bench/bench_dashboard.py [--participants N] [--quick] [--no-postgres]`.

The programme has 50,000 participant places by default, in six cohorts over three years, with
the relationships, held and cancelled meetings, end reviews, special category answers and career
outcomes such a programme would gather (a fixed seed). Each database runs in its own process,
on a fresh database: a temporary SQLite file, and a database created for the run on the
PostgreSQL server named by BENCH_POSTGRES_URL (default: the local one `make test` uses).

Measured, warm, best of three, in the same process and on the same data:

* peer: the counting queries any dashboard must run, written the plain way (one Django
  GROUP BY per table: places by cohort, side and status; relationships by cohort, status and
  ending; held meetings by cohort and month; review means by cohort), with no disclosure control
  and nothing drawn: the floor a dashboard cannot go below on this database;
* dashboard: `allied.reports.measures.dashboard`, every figure for the whole programme and each
  cohort, through the disclosure rule, as the page shows them;
* board report: `allied.reports.board` when it is there, for the whole period.

Reported as seconds and as a ratio to the peer, with the peak Python memory of the dashboard
(tracemalloc). The target (issue 8): the dashboard in under 1 s on PostgreSQL. The last line
printed is JSON; the exit status is 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
BENCH_DATABASE = "allied_bench_dashboard"


def _best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def build_programme(participants: int, seed: int = 2024):
    """Creates one organisation with one large programme and returns the programme."""
    import numpy as np
    from django.utils import timezone

    from allied.accounts.models import Organisation, User
    from allied.core.matching import vocabulary as v
    from allied.programmes import models as m

    rng = np.random.default_rng(seed)
    now = timezone.now()
    organisation = Organisation.objects.create(name="Benchmark Trust", slug="benchmark")
    programme = m.Programme.objects.create(
        organisation=organisation, name="Benchmark programme", meeting_every_weeks=4
    )
    starts = [date(now.year - 3, 1, 1) + timedelta(days=182 * i) for i in range(6)]
    m.Cohort.objects.bulk_create(
        m.Cohort(
            programme=programme,
            name=f"Cohort {i + 1}",
            starts_on=start,
            ends_on=start + timedelta(days=365),
            status=m.Cohort.Status.FINISHED if i < 4 else m.Cohort.Status.RUNNING,
        )
        for i, start in enumerate(starts)
    )
    cohorts = list(m.Cohort.objects.filter(programme=programme).order_by("starts_on"))

    User.objects.bulk_create(
        (
            User(email=f"person{i}@benchmark.example", full_name=f"Person {i}", password="!")
            for i in range(participants)
        ),
        batch_size=5000,
    )
    users = list(User.objects.filter(email__endswith="@benchmark.example").order_by("pk"))
    professions = [code for code, _ in v.PROFESSIONS]
    bands = [code for code, _ in v.AGENDA_FOR_CHANGE_BANDS]
    settings = [code for code, _ in v.WORK_SETTINGS]
    groups = [code for code, _ in v.ETHNIC_GROUPS]

    def one_of(choices, size):
        return [choices[i] for i in rng.integers(0, len(choices), size)]

    n = len(users)
    cohort_of = rng.integers(0, len(cohorts), n)
    is_mentee = rng.random(n) < 0.6
    status_draw = rng.random(n)
    places = []
    for i, user in enumerate(users):
        cohort = cohorts[cohort_of[i]]
        status = (
            m.Participant.Status.READY
            if status_draw[i] < 0.9
            else m.Participant.Status.INTAKE
            if status_draw[i] < 0.95
            else m.Participant.Status.WITHDRAWN
        )
        opened = datetime.combine(cohort.starts_on, datetime.min.time(), tzinfo=now.tzinfo)
        places.append(
            m.Participant(
                cohort=cohort,
                user=user,
                side="mentee" if is_mentee[i] else "mentor",
                status=status,
                intake_completed_at=opened - timedelta(days=int(rng.integers(10, 40)))
                if status == m.Participant.Status.READY
                else None,
            )
        )
    for field, choices in (
        ("profession", professions),
        ("band", bands),
        ("work_setting", settings),
    ):
        for place, value in zip(places, one_of(choices, n), strict=True):
            setattr(place, field, value)
    m.Participant.objects.bulk_create(places, batch_size=5000)
    places = list(
        m.Participant.objects.filter(cohort__programme=programme).order_by("pk").select_related()
    )
    answered = rng.random(n) < 0.85
    consented = rng.random(n) < 0.9
    m.SpecialCategory.objects.bulk_create(
        (
            m.SpecialCategory(
                participant=place,
                ethnic_group=group,
                monitoring_consent=bool(consented[i]),
                matching_consent=bool(consented[i]),
                consent_recorded_at=now,
            )
            for i, (place, group) in enumerate(zip(places, one_of(groups, n), strict=True))
            if answered[i]
        ),
        batch_size=5000,
    )

    relationships = []
    for cohort in cohorts:
        here = [p for p in places if p.cohort_id == cohort.pk and p.status == "ready"]
        mentees = [p for p in here if p.side == "mentee"]
        mentors = [p for p in here if p.side == "mentor"]
        finished = cohort.status == m.Cohort.Status.FINISHED
        for k, mentee in enumerate(mentees):
            if not mentors or rng.random() > 0.9:
                continue
            started = datetime.combine(
                cohort.starts_on, datetime.min.time(), tzinfo=now.tzinfo
            ) + timedelta(days=int(rng.integers(0, 30)))
            draw = rng.random()
            if draw < 0.05:
                status, ending, ended = m.Relationship.Status.DECLINED, "", None
                started = None
            elif finished:
                no_fault = draw < 0.2
                status = m.Relationship.Status.ENDED
                ending = "no_fault" if no_fault else "completed"
                ended = started + timedelta(days=int(rng.integers(60, 150) if no_fault else 365))
            else:
                status, ending, ended = m.Relationship.Status.ACTIVE, "", None
            relationships.append(
                m.Relationship(
                    cohort=cohort,
                    mentee=mentee,
                    mentor=mentors[k % len(mentors)],
                    status=status,
                    source=m.Relationship.Source.COORDINATOR,
                    started_at=started,
                    ended_at=ended,
                    ending=ending,
                )
            )
    m.Relationship.objects.bulk_create(relationships, batch_size=5000)
    relationships = list(m.Relationship.objects.filter(cohort__programme=programme))

    meetings, reviews = [], []
    every = timedelta(weeks=4)
    for relationship in relationships:
        if not relationship.started_at:
            continue
        until = min(relationship.ended_at or now, now)
        moment = relationship.started_at + timedelta(days=7)
        while moment < until:
            meetings.append(
                m.Meeting(
                    relationship=relationship,
                    starts_at=moment,
                    status=m.Meeting.Status.HELD
                    if rng.random() < 0.85
                    else m.Meeting.Status.CANCELLED,
                )
            )
            moment += every
        if relationship.status == m.Relationship.Status.ENDED:
            for side in ("mentee", "mentor"):
                reviews.append(
                    m.Review(
                        relationship=relationship,
                        stage=m.Review.Stage.END,
                        side=side,
                        satisfaction=int(rng.integers(2, 6)),
                        trust=int(rng.integers(2, 6)),
                        psychological_safety=int(rng.integers(2, 6)),
                        expectations_met=("yes", "partly", "no")[int(rng.integers(0, 3))],
                        submitted_at=relationship.ended_at,
                    )
                )
    m.Meeting.objects.bulk_create(meetings, batch_size=5000)
    m.Review.objects.bulk_create(reviews, batch_size=5000)

    outcome_model = getattr(m, "CareerOutcome", None)
    if outcome_model is not None:
        kinds = [code for code, _ in outcome_model.Kind.choices]
        confirmed = outcome_model.Status.CONFIRMED
        outcomes = [
            outcome_model(
                participant=place,
                kind=kinds[int(rng.integers(0, len(kinds)))],
                happened_on=place.cohort.starts_on + timedelta(days=int(rng.integers(-200, 400))),
                status=confirmed,
            )
            for place in places
            if place.side == "mentee" and rng.random() < 0.3
        ]
        outcome_model.objects.bulk_create(outcomes, batch_size=5000)
    return programme, {
        "participants": len(places),
        "relationships": len(relationships),
        "meetings": len(meetings),
        "reviews": len(reviews),
    }


def peer_queries(programme) -> None:
    """The counting any dashboard needs, the plain way: one GROUP BY per table, no disclosure."""
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncMonth

    from allied.programmes.models import Meeting, Participant, Relationship, Review

    list(
        Participant.objects.filter(cohort__programme=programme)
        .values("cohort_id", "side", "status")
        .annotate(n=Count("pk"))
    )
    list(
        Relationship.objects.filter(cohort__programme=programme)
        .values("cohort_id", "status", "ending")
        .annotate(n=Count("pk"))
    )
    list(
        Meeting.objects.filter(relationship__cohort__programme=programme, status="held")
        .annotate(month=TruncMonth("starts_at"))
        .values("relationship__cohort_id", "month")
        .annotate(n=Count("pk"))
    )
    list(
        Review.objects.filter(relationship__cohort__programme=programme)
        .values("relationship__cohort_id", "expectations_met")
        .annotate(n=Count("pk"), s=Avg("satisfaction"), t=Avg("trust"))
    )


def worker(participants: int, label: str) -> dict:
    """Runs in a child process whose DATABASE_URL names a fresh database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    programme, sizes = build_programme(participants)
    built = time.perf_counter() - started
    # Fresh planner statistics, as autovacuum would have them on a live database after such
    # a load (a just-loaded table looks empty to the planner until it is analysed).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from allied.reports import measures

    peer = _best_of(3, lambda: peer_queries(programme))
    dashboard = _best_of(3, lambda: measures.dashboard(programme))
    tracemalloc.start()
    measures.dashboard(programme)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "database": label,
        **sizes,
        "seconds_to_build_data": round(built, 1),
        "peer_seconds": round(peer, 3),
        "dashboard_seconds": round(dashboard, 3),
        "dashboard_ratio_to_peer": round(dashboard / peer, 1),
        "dashboard_peak_mib": round(peak / 2**20, 1),
    }
    try:
        from allied.reports import board
    except ImportError:
        board = None
    if board is not None and hasattr(board, "build"):
        seconds = _best_of(1, lambda: board.build(programme))
        result["board_report_seconds"] = round(seconds, 3)
        result["board_report_ratio_to_peer"] = round(seconds / peer, 1)
    result.update(_hidden(programme))
    return result


def _hidden(programme) -> dict:
    """How much the disclosure rule hides of the dashboard's figures (all dates): the figures,
    those hidden, and the people (or meetings) the hidden ones count, so a change to the rule
    shows what it costs."""
    from django.utils import timezone

    from allied.reports import counting, measures

    cells = measures.published(counting.count(programme, timezone.now(), measures.Period()))
    shown = measures.disclose_published(cells)
    hidden = [key for key, value in shown.items() if value == "*"]
    return {
        "figures": len(shown),
        "hidden_figures": len(hidden),
        "hidden_total": sum(cells.size(key) for key in hidden),
    }


def _postgres_database() -> str | None:
    """Creates a fresh benchmark database on the PostgreSQL server; returns its URL."""
    try:
        import psycopg
    except ImportError:
        return None
    base = POSTGRES.replace("postgres://", "postgresql://")
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    except psycopg.Error as exc:
        print(f"PostgreSQL is not reachable at {POSTGRES}: {exc}", file=sys.stderr)
        return None
    return POSTGRES.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"


def _drop_postgres_database() -> None:
    import psycopg

    base = POSTGRES.replace("postgres://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def _run(participants: int, label: str, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", label, "--participants", str(participants)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"The {label} run failed.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="5,000 participants")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    participants = 5_000 if args.quick else args.participants
    if args.worker:
        print(json.dumps(worker(participants, args.worker)))
        return 0

    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(_run(participants, "sqlite", f"sqlite:///{folder}/bench.sqlite3"))
    if not args.no_postgres:
        url = _postgres_database()
        if url:
            try:
                results.append(_run(participants, "postgresql", url))
            finally:
                _drop_postgres_database()
    for result in results:
        line = (
            f"{result['database']:>10}: {result['participants']:,} places, "
            f"{result['meetings']:,} meetings; peer {result['peer_seconds']} s, dashboard "
            f"{result['dashboard_seconds']} s ({result['dashboard_ratio_to_peer']}x the peer, "
            f"peak {result['dashboard_peak_mib']} MiB)"
        )
        if "board_report_seconds" in result:
            line += f", board report {result['board_report_seconds']} s"
        if "hidden_figures" in result:
            line += (
                f"; {result['hidden_figures']} of {result['figures']} figures hidden"
                f" ({result['hidden_total']:,} counted in them)"
            )
        print(line)
    postgres = [r for r in results if r["database"] == "postgresql"]
    missed = bool(postgres) and postgres[0]["dashboard_seconds"] >= TARGET_SECONDS
    if postgres:
        print(
            f"Target: the dashboard under {TARGET_SECONDS} s on PostgreSQL: "
            + ("missed" if missed else "met")
        )
    print(json.dumps({"results": results, "target_seconds": TARGET_SECONDS, "missed": missed}))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
