"""`dutyline run`: an empty database gets instructions (exit 0), a refused login one clear line (exit 2)."""

from __future__ import annotations

import argparse

import pytest

from dutyline.cli import cmd_run
from dutyline.store.engine import Database
from tests.ui.seed import add_staff, seed


def args(url: str) -> argparse.Namespace:
    return argparse.Namespace(db=url, policy=None, mode=None)


def test_empty_database_says_how_to_start(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_app(*_a: object, **_k: object) -> int:
        raise AssertionError("the app must not open on an empty database")

    monkeypatch.setattr(cmd_run, "launch", no_app)
    assert cmd_run.run(args(sqlite_db.url)) == 0
    out = capsys.readouterr().out
    assert "no cases" in out and "dutyline import FILE.csv" in out and "dutyline demo" in out


def test_refused_login_is_one_clear_line(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sqlite_db)
    add_staff(sqlite_db, "someone_else", "Someone Else")
    monkeypatch.setattr("dutyline.cli.common.os_login", lambda: "stranger")
    assert cmd_run.run(args(sqlite_db.url)) == 2
    err = capsys.readouterr().err
    assert "'stranger' is not an active dutyline user" in err and "Traceback" not in err


def test_launches_with_the_mode(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(sqlite_db)
    seen: dict[str, object] = {}
    monkeypatch.setattr(cmd_run, "launch", lambda ctx, mode="handler": seen.update(mode=mode) or 0)
    ns = args(sqlite_db.url)
    ns.mode = "duty"
    assert cmd_run.run(ns) == 0 and seen == {"mode": "duty"}
