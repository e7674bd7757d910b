"""The command line end to end: `python -m bot deadlines|prefecture|migrate|health|run`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"

# One command line per event of the issue, with the options each needs; `--today` pins "now".
EVERY_EVENT = [
    ["claim_presented=2026-07-03"],
    ["certificate_issued=2026-03-02", "--procedure", "normal"],
    ["certificate_expires=2027-01-01"],
    ["ofpra_registration_letter=2026-04-01", "--procedure", "accelerated"],
    ["ofpra_completion_request=2026-05-02"],
    ["ofpra_interview=2026-08-20T09:30"],
    ["ofpra_decision=2026-06-04", "--outcome", "rejected", "--received", "post"],
    ["ofpra_decision=2026-06-20,outcome=closure,received=online,decided=2026-06-18"],
    ["cnda_decision=2026-06-10", "--outcome", "rejected"],
    ["reexamination_registered=2026-07-01"],
    ["entry_refused=2026-07-09T22:15"],
    ["permit_expires=2027-05-31", "--permit", "resident"],
    ["permit_expires=2026-09-30", "--permit", "api"],
    ["dublin_transfer_notified=2026-07-01T15:20", "--detained", "no"],
    ["oqtf_notified=2026-07-08T11:00", "--detained"],
    ["removal_decision_notified=2026-07-08,detained=yes"],
    [
        "ofpra_decision=2026-06-04,outcome=rejected,received=post",
        "legal_aid_requested=2026-06-10",
        "legal_aid_decided=2026-07-01,lawyer=2026-07-03",
    ],
]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process and return (exit code, stdout, stderr)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_issue_example_gives_exact_dates_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Certificate issued 2 March 2026, normal procedure, department 93: 21 days end 23 March."""
    code, out, _ = run_cli(
        capsys,
        "deadlines",
        "certificate_issued=2026-03-02",
        "--procedure",
        "normal",
        "--department",
        "93",
        "--today",
        "2026-03-03",
        "--json",
    )
    deadlines = {item["rule"]: item for item in json.loads(out)}
    filing = deadlines["ofpra_filing_21_days"]
    assert code == 0
    assert filing["due"] == "2026-03-23T23:59:59+01:00"
    assert filing["act_before"] == "2026-03-19T23:59:59+01:00"
    assert filing["actor"] == "user" and filing["opens"] is None
    assert "201 rue Carnot" in filing["where"]
    assert any("seeds/000_" in source for source in filing["sources"])
    assert deadlines["attestation_initial_validity_normal"]["due"] == "2027-01-01T23:59:59+01:00"


@pytest.mark.parametrize("argv", EVERY_EVENT, ids=lambda argv: argv[0].split("=")[0])
def test_every_event_of_the_issue_is_accepted(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Each event name computes at least one deadline with the fields the issue asks for."""
    code, out, err = run_cli(
        capsys, "deadlines", *argv, "--department", "93", "--today", "2026-07-10", "--json"
    )
    items = json.loads(out)
    assert (code, err) == (0, "")
    assert items, "no deadline computed"
    for item in items:
        assert {"rule", "actor", "due", "opens", "act_before", "action", "sources"} <= item.keys()
        due, act_before = (datetime.fromisoformat(item[key]) for key in ("due", "act_before"))
        assert act_before <= due and due.utcoffset() is not None


def test_help_lists_every_event_and_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`deadlines --help` names every event the engine knows, with the options each takes."""
    from bot.domain.events import EventKind

    with pytest.raises(SystemExit):
        main(["deadlines", "--help"])
    out = capsys.readouterr().out
    for kind in EventKind:
        assert f"  {kind.value}=DATE" in out
    assert "dublin_transfer_notified=DATE[THH:MM],detained=yes|no" in out
    assert "legal_aid_decided=DATE,lawyer=DATE" in out
    for flag in ("--detained", "--lawyer", "--decided", "--opened", "--outcome", "--received"):
        assert flag in out


def test_missing_facts_take_the_safer_answer_and_say_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No outcome, no way of receipt, no detention answer: never a traceback. The earliest dates
    are computed, each assumption is one line on stderr, and the JSON basis records it."""
    code, out, err = run_cli(
        capsys,
        "deadlines",
        "ofpra_decision=2026-06-04",
        "dublin_transfer_notified=2026-06-20",
        "--department",
        "93",
        "--today",
        "2026-06-21",
        "--json",
    )
    assert code == 0
    assert "no outcome given; assumed rejected" in err
    assert "no received given; assumed post" in err
    assert "--detained not given; counted as detained (48 hours" in err
    items = {item["rule"]: item for item in json.loads(out)}
    assert items["cnda_appeal_1_month"]["assumed"] == ["outcome", "received"]
    steps = [step["step"] for step in items["dublin_transfer_appeal_detained"]["basis"]]
    assert "assumed_detained" in steps and steps[-1] == "source"


def test_json_basis_explains_the_month_end_reading(capsys: pytest.CaptureFixture[str]) -> None:
    """Notified 30 March 2026: due 30 April, with the other reading (4 May) in the basis."""
    code, out, _ = run_cli(
        capsys,
        "deadlines",
        "ofpra_decision=2026-03-30,outcome=rejected,received=post",
        "--department",
        "57",
        "--today",
        "2026-03-31",
        "--json",
    )
    appeal = next(item for item in json.loads(out) if item["rule"] == "cnda_appeal_1_month")
    assert code == 0 and appeal["due"] == "2026-04-30T23:59:59+02:00"
    reading = next(step for step in appeal["basis"] if step["step"] == "other_reading")
    assert reading == {"step": "other_reading", "day": "2026-04-30", "other": "2026-05-04"}
    assert {"step": "legal_basis", "text": "CESEDA L532-1, L542-2; loi 91-647 art. 9-4"} in (
        appeal["basis"]
    )


def test_text_output_prints_why_and_a_suspended_appeal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The table shows the suspended appeal without days left; the details say why."""
    code, out, _ = run_cli(
        capsys,
        "deadlines",
        "ofpra_decision=2026-06-04,outcome=rejected,received=post",
        "legal_aid_requested=2026-06-10",
        "--department",
        "93",
        "--today",
        "2026-09-01",
    )
    assert code == 0
    assert "Stopped until the decision on legal aid" in out
    assert "Why: You asked for legal aid on June 10, 2026, within the 15 days" in out


def test_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    """The default output is a table with the due date, act-before date and rule, then details."""
    code, out, _ = run_cli(
        capsys,
        "deadlines",
        "ofpra_decision=2026-06-04",
        "--outcome",
        "rejected",
        "--received",
        "post",
        "--department",
        "93",
        "--today",
        "2026-06-05",
    )
    assert code == 0
    assert "Mon 06 Jul 2026 23:59" in out  # 5 July 2026 is a Sunday: the franc deadline moves
    assert "cnda_appeal_1_month" in out and "What to do:" in out and "Source:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["certificate_issued=2026-02-30", "--procedure", "normal"], "not a valid date"),
        (["certificate_issued=2026-09-02", "--procedure", "normal"], "in the future"),
        (["nonsense=2026-03-02"], "unknown event 'nonsense'"),
        (["ofpra_decision=2026-06-04,detained=yes"], "does not take the option detained"),
        (["legal_aid_decided=2026-06-04,lawyer=2026-13-01"], "lawyer '2026-13-01' is not a valid"),
        (
            ["ofpra_decision=2026-06-04", "legal_aid_requested=2026-06-01"],
            "before the Ofpra decision reached you",
        ),
        (["dublin_transfer_notified=2026-06-04,detained=maybe"], "not a valid detained"),
        (["certificate_issued=2026-03-02T10:00", "--procedure", "normal"], "date only"),
        (["claim_presented=2026-03-02", "claim_presented=2026-03-03"], "given twice"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Impossible dates, future events, missing options and unknown events: one line, exit 2."""
    code, out, err = run_cli(
        capsys, "deadlines", *argv, "--department", "93", "--today", "2026-07-10"
    )
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("department", "message"), [("99", "not a department"), ("973", "overseas")]
)
def test_unknown_or_overseas_department_exits_2(
    capsys: pytest.CaptureFixture[str], department: str, message: str
) -> None:
    """A department outside metropolitan France is refused plainly."""
    code, _, err = run_cli(
        capsys, "deadlines", "claim_presented=2026-03-02", "--department", department
    )
    assert code == 2 and message in err


def test_prefecture_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    """Manche (50) registers claims at the prefecture of Calvados in Caen (corrected seed error)."""
    code, out, _ = run_cli(capsys, "prefecture", "50")
    assert code == 0 and "Préfecture du Calvados (Caen, 14)" in out
    assert run_cli(capsys, "prefecture", "2A")[1].startswith("2A Corse-du-Sud")
    assert run_cli(capsys, "prefecture", "nowhere")[0] == 2


def test_migrate_then_health(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without a health endpoint (HEALTH_PORT=0) `health` checks the database: it fails on an
    empty one and passes once `migrate` brought it to the head."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEALTH_PORT", "0")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db' / 'bot.sqlite3'}")
    assert run_cli(capsys, "health")[0] == 1
    code, out, _ = run_cli(capsys, "migrate")
    assert code == 0 and "revision" in out
    assert run_cli(capsys, "health")[:2] == (0, "healthy\n")


def test_run_refuses_a_missing_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without TELEGRAM_BOT_TOKEN the bot stops with one line naming the variable."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    code, _, err = run_cli(capsys, "run")
    assert code == 2 and err.startswith("Configuration error: TELEGRAM_BOT_TOKEN: missing")


def test_malformed_setting_is_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A malformed REMINDER_TIME stops `migrate` with one line naming it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REMINDER_TIME", "3am")
    code, _, err = run_cli(capsys, "migrate")
    assert code == 2 and err.startswith("Configuration error: REMINDER_TIME:")


@pytest.mark.processes
def test_python_dash_m_bot_help() -> None:
    """`python -m bot --help` works as a real process and lists the commands."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("run", "migrate", "deadlines", "prefecture", "health"):
        assert command in result.stdout
