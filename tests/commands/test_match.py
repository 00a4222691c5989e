import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from allied.cli import main

ALLIED = Path(sys.executable).parent / "allied"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def mentors(tmp_path: Path) -> Path:
    return _write(tmp_path / "mentors.csv", "mentor,capacity\nbola,1\nchris,2\n")


def test_pairs_matches_everyone_it_can_at_the_best_total(tmp_path, mentors, capsys):
    pairs = _write(
        tmp_path / "pairs.csv",
        "mentee,mentor,score\namina,bola,10\namina,chris,9\nben,bola,8\ncara,chris,1.5\n",
    )
    out = tmp_path / "out.csv"
    assert (
        main(["match", "pairs", str(pairs), "--mentors", str(mentors), "-o", str(out), "--json"])
        == 0
    )
    assert _rows(out) == [
        {"mentee": "amina", "mentor": "chris", "score": "9"},
        {"mentee": "ben", "mentor": "bola", "score": "8"},
        {"mentee": "cara", "mentor": "chris", "score": "1.5"},
    ]
    summary = json.loads(capsys.readouterr().out)
    assert summary["objective"] == "max-total"
    assert (summary["matched"], summary["unmatched"]) == (3, 0)
    assert summary["total_score"] == 18.5
    assert summary["min_score"] == 1.5
    assert set(summary) == {
        "objective",
        "matched",
        "unmatched",
        "total_score",
        "min_score",
        "seconds",
    }


def test_pairs_accepts_two_sided_scores_and_a_bom(tmp_path, mentors):
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes(
        "\ufeffmentee,mentor,mentee_score,mentor_score\namina,bola,1.25,2\nben,bola,0,0.001\n".encode()
    )
    out = tmp_path / "out.csv"
    assert main(["match", "pairs", str(pairs), "--mentors", str(mentors), "-o", str(out)]) == 0
    assert _rows(out) == [
        {"mentee": "amina", "mentor": "bola", "score": "3.25"},
        {"mentee": "ben", "mentor": "", "score": ""},
    ]


def test_pairs_fair_raises_the_lowest_score(tmp_path, capsys):
    mentors = _write(tmp_path / "m.csv", "mentor,capacity\nx,1\ny,1\n")
    pairs = _write(tmp_path / "p.csv", "mentee,mentor,score\na,x,10\na,y,5\nb,x,5\nb,y,1\n")
    assert main(["match", "pairs", str(pairs), "--mentors", str(mentors), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["min_score"] == 1
    assert (
        main(
            [
                "match",
                "pairs",
                str(pairs),
                "--mentors",
                str(mentors),
                "--json",
                "--objective",
                "fair",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["min_score"] == 5


@pytest.mark.parametrize(
    ("pairs_text", "mentors_text", "expected"),
    [
        (
            "mentee,mentor,score\na,nobody,1\n",
            "mentor,capacity\nx,1\n",
            "row 2: mentor 'nobody' is not in",
        ),
        (
            "mentee,mentor,score\na,x,1\nb,x,2\na,x,3\n",
            "mentor,capacity\nx,1\n",
            "row 4: the same pair as row 2",
        ),
        (
            "mentee,mentor,score\na,x,1\n",
            "mentor,capacity\nx,-1\n",
            "row 2: capacity -1 is negative",
        ),
        (
            "mentee,mentor,score\na,x,1\nb,x,lots\n",
            "mentor,capacity\nx,1\n",
            "row 3: score 'lots' is not a number",
        ),
        ("mentee,mentor,score\na,x,1.0005\n", "mentor,capacity\nx,1\n", "row 2: score '1.0005'"),
        ("mentee,mentor,score\na,x,nan\n", "mentor,capacity\nx,1\n", "row 2: score 'nan'"),
        ("mentee,mentor\na,x\n", "mentor,capacity\nx,1\n", "missing column score"),
    ],
)
def test_pairs_reports_bad_input_by_row_and_writes_nothing(
    tmp_path, capsys, pairs_text, mentors_text, expected
):
    pairs = _write(tmp_path / "p.csv", pairs_text)
    mentors = _write(tmp_path / "m.csv", mentors_text)
    out = tmp_path / "out.csv"
    assert main(["match", "pairs", str(pairs), "--mentors", str(mentors), "-o", str(out)]) != 0
    err = capsys.readouterr().err
    assert expected in err
    assert "Nothing was written." in err
    assert not out.exists()
    assert set(tmp_path.iterdir()) == {pairs, mentors}


def test_the_same_input_gives_the_same_output(tmp_path, mentors):
    pairs = _write(
        tmp_path / "p.csv",
        "mentee,mentor,score\na,bola,5\na,chris,5\nb,bola,5\nb,chris,5\nc,chris,5\n",
    )
    outputs = []
    for name in ("one.csv", "two.csv"):
        main(["match", "pairs", str(pairs), "--mentors", str(mentors), "-o", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_text())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "variant",
    [
        # Plain files take a fast reader; these take the csv module. Both must agree.
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("amina", '"amina"').replace("ben,", '"ben",'),
        lambda text: text.replace("amina", " amina ").replace(",chris", ", chris"),
        lambda text: (
            text.replace("mentee,mentor,score", "mentee,extra,mentor,score")
            .replace("amina,", "amina,,")
            .replace("ben,", "ben,,")
            .replace("cara,", "cara,,")
        ),
    ],
)
def test_pairs_reads_quoted_padded_and_crlf_files_like_plain_ones(tmp_path, mentors, variant):
    text = "mentee,mentor,score\namina,bola,10\namina,chris,9\nben,bola,8\ncara,chris,1.5\n"
    plain = _write(tmp_path / "plain.csv", text)
    other = _write(tmp_path / "other.csv", variant(text))
    outputs = []
    for pairs in (plain, other):
        out = tmp_path / f"out-{pairs.stem}.csv"
        assert main(["match", "pairs", str(pairs), "--mentors", str(mentors), "-o", str(out)]) == 0
        outputs.append(_rows(out))
    assert outputs[0] == outputs[1]
    assert [r["mentor"] for r in outputs[0]] == ["chris", "bola", "chris"]


def test_pairs_reports_a_blank_or_short_line_in_the_middle(tmp_path, mentors, capsys):
    pairs = _write(tmp_path / "p.csv", "mentee,mentor,score\namina,bola,1\n\nben,bola\n")
    assert main(["match", "pairs", str(pairs), "--mentors", str(mentors)]) == 2
    err = capsys.readouterr().err
    assert "row 3: too few columns" in err
    assert "row 4: too few columns" in err


def test_the_package_still_offers_every_name_it_lists():
    import allied.core.matching as matching

    for name in matching.__all__:
        assert getattr(matching, name) is not None


def test_stable_pairs_says_how_many_fewer_than_the_maximum(tmp_path, capsys):
    mentors = _write(tmp_path / "m.csv", "mentor,capacity\nx,1\ny,1\n")
    # Both prefer a-x; the stable matching leaves b unmatched where the maximum matches both.
    pairs = _write(tmp_path / "p.csv", "mentee,mentor,score\na,x,10\na,y,1\nb,x,5\n")
    assert (
        main(
            [
                "match",
                "pairs",
                str(pairs),
                "--mentors",
                str(mentors),
                "--objective",
                "stable",
                "--json",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["matched"] == 1
    assert "leaves 1 fewer mentees matched" in captured.err


MENTEES = (
    "id,name,profession,ethnic_group,ethnicity_consent,prefer_profession,prefer_profession_strength,"
    "prefer_broad_ethnic_group,prefer_broad_ethnic_group_strength,what_i_need,line_manager\n"
    "e1,Amina,Occupational therapist,Black African,no,same,important,same,nice to have,sponsorship,\n"
    "e2,Ben,Physiotherapist,,,same,essential,,,networking,\n"
    "e3,Cara,Paramedic,,,one of: Dietitian,essential,,,,\n"
)
MENTORS = (
    "id,name,profession,ethnic_group,ethnicity_consent,capacity,offers\n"
    "m1,Bola,occupational_therapist,black_caribbean,yes,1,Sponsorship: opening doors and putting my name forward\n"
    "m2,Dev,Physiotherapist,asian_indian,yes,1,networking\n"
)


def test_profiles_gives_every_pair_and_every_unmatched_mentee_a_plain_reason(tmp_path, capsys):
    mentees = _write(tmp_path / "mentees.csv", MENTEES)
    mentors = _write(tmp_path / "mentors.csv", MENTORS)
    out = tmp_path / "matches.csv"
    assert main(["match", "profiles", str(mentees), str(mentors), "-o", str(out), "--explain"]) == 0
    rows = {r["mentee"]: r for r in _rows(out)}
    assert rows["e1"]["mentor"] == "m1" and rows["e2"]["mentor"] == "m2"
    assert rows["e3"]["status"] == "unmatched"
    assert "no mentor passes every hard rule" in rows["e3"]["reason"]
    assert "essential preference about profession" in rows["e3"]["reason"]
    assert rows["e1"]["reason"].startswith("Matched with score")
    # Amina did not consent, so her ethnicity is unknown to matching, and the coordinator sees why.
    assert (
        "has not agreed to their ethnic group being used" in rows["e1"]["coordinator_explanation"]
    )
    for column in ("mentee_explanation", "mentor_explanation"):
        text = rows["e1"][column]
        assert "Caribbean" not in text and "African" not in text
    assert "Objective: max-total." in capsys.readouterr().out


def test_profiles_reads_xlsx_and_writes_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    paths = []
    for name, text in (("mentees", MENTEES), ("mentors", MENTORS)):
        book = openpyxl.Workbook()
        for line in csv.reader(text.splitlines()):
            book.active.append([int(x) if x.isdigit() else x for x in line])
        path = tmp_path / f"{name}.xlsx"
        book.save(path)
        paths.append(str(path))
    out = tmp_path / "matches.xlsx"
    assert main(["match", "profiles", *paths, "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Matches"]
    header = [c.value for c in sheet[1]]
    found = {
        row[0]: row[header.index("mentor")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert found == {"e1": "m1", "e2": "m2", "e3": None}


def test_profiles_reports_a_preference_value_that_does_not_exist(tmp_path, capsys):
    mentees = _write(
        tmp_path / "mentees.csv",
        "id,prefer_profession,prefer_profession_strength\ne1,same,crucial\ne2,sometimes,\n",
    )
    mentors = _write(tmp_path / "mentors.csv", "id,capacity\nm1,x\n")
    out = tmp_path / "matches.csv"
    assert main(["match", "profiles", str(mentees), str(mentors), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "mentees.csv row 2, prefer_profession_strength" in err
    assert "mentees.csv row 3, prefer_profession: 'sometimes'" in err
    assert "mentors.csv row 2, capacity" in err
    assert not out.exists()


def test_profiles_keeps_locked_pairs_and_lists_shortlists(tmp_path):
    mentees = _write(tmp_path / "mentees.csv", MENTEES)
    mentors = _write(tmp_path / "mentors.csv", MENTORS)
    locked = _write(tmp_path / "locked.csv", "mentee,mentor\ne3,m1\n")
    out = tmp_path / "matches.csv"
    assert (
        main(
            [
                "match",
                "profiles",
                str(mentees),
                str(mentors),
                "--locked",
                str(locked),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    rows = {r["mentee"]: r for r in _rows(out)}
    assert (rows["e3"]["mentor"], rows["e3"]["status"]) == ("m1", "locked")
    short = tmp_path / "short.csv"
    assert (
        main(
            ["match", "profiles", str(mentees), str(mentors), "--shortlist", "2", "-o", str(short)]
        )
        == 0
    )
    assert {r["mentee"] for r in _rows(short)} == {"e1", "e2", "e3"}


def test_the_template_round_trips_through_profiles(tmp_path):
    assert main(["match", "template", str(tmp_path / "t"), "--xlsx"]) == 0
    t = tmp_path / "t"
    assert (t / "matching-template.xlsx").exists()
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "match",
                "profiles",
                str(t / "mentees.csv"),
                str(t / "mentors.csv"),
                "--config",
                str(t / "programme.toml"),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert _rows(out)[0]["mentor"] == "mentor-001"


def test_a_bad_programme_setting_is_reported(tmp_path, capsys):
    mentees = _write(tmp_path / "mentees.csv", MENTEES)
    mentors = _write(tmp_path / "mentors.csv", MENTORS)
    config = _write(
        tmp_path / "p.toml", "[weights]\nimportant = -1\n[rules]\nmentor_higher_band = 'yes'\n"
    )
    assert main(["match", "profiles", str(mentees), str(mentors), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "important cannot be negative" in err
    assert "mentor_higher_band should be true or false" in err


def test_the_installed_command_runs_without_django(tmp_path, mentors):
    pairs = _write(tmp_path / "p.csv", "mentee,mentor,score\namina,bola,3\n")
    probe = (
        "import sys, runpy; sys.argv = ['allied', 'match', 'pairs', sys.argv[1], '--mentors', sys.argv[2], '--json'];"
        "from allied.cli import main; code = main(sys.argv[1:]);"
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(code)"
    )
    env = {"PATH": "/usr/bin:/bin"}
    direct = subprocess.run(
        [str(ALLIED), "match", "pairs", str(pairs), "--mentors", str(mentors), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert direct.returncode == 0, direct.stderr
    assert json.loads(direct.stdout)["matched"] == 1
    checked = subprocess.run(
        [sys.executable, "-c", probe, str(pairs), str(mentors)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def test_profiles_uses_gender_only_with_its_own_consent_and_says_when_none_gave_it(
    tmp_path, capsys
):
    mentees = _write(
        tmp_path / "mentees.csv",
        "id,name,gender,gender_consent,prefer_gender,prefer_gender_strength\n"
        "e1,Amina,Woman,yes,same,important\n",
    )
    without = _write(tmp_path / "mentors.csv", "id,name,gender,capacity\nm1,Bola,Woman,1\n")
    out = tmp_path / "matches.csv"
    assert main(["match", "profiles", str(mentees), str(without), "-o", str(out), "--explain"]) == 0
    (row,) = _rows(out)
    assert "has not agreed to their gender being used" in row["coordinator_explanation"]
    assert "nobody agreed to their gender being used in matching" in capsys.readouterr().err
    agreed = _write(
        tmp_path / "agreed.csv", "id,name,gender,gender_consent,capacity\nm1,Bola,Woman,yes,1\n"
    )
    assert main(["match", "profiles", str(mentees), str(agreed), "-o", str(out), "--explain"]) == 0
    (row,) = _rows(out)
    assert "same gender (important): met" in row["coordinator_explanation"]
    assert "nobody agreed" not in capsys.readouterr().err
