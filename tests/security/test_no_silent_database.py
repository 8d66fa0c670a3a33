"""Attack: a mistyped database address must never become a new, empty database (docs/RELIABILITY.md, A4).

On the old code `--db garbage` or `--db sqlite:////wrong/path/x.db` created an empty database where the
typist was the first-user administrator, and `search` answered "No matching cases." with exit 0: on a live
call the handler then logged a "no case" call into a database nobody else reads. A read-only database
file was chmodded back to 0600 and written. Each test here fails on that code.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from pathlib import Path

import pytest

from dutyline.cli import main
from dutyline.store.engine import Database, DatabaseMissing
from tests.conftest import _pg_admin, _pg_url


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "command", [["search", "Smith"], ["staff", "add", "mallory", "--name", "M", "--role", "admin"]]
)
def test_garbage_db_is_refused_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "--db", "garbage", *command)
    assert code != 0
    assert str(tmp_path / "garbage") in err and "init" in err
    assert not (tmp_path / "garbage").exists()
    assert "No matching" not in out


def test_wrong_path_is_refused_without_making_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "wrong" / "path" / "x.db"
    code, out, err = run_cli(capsys, "--db", f"sqlite:///{target}", "search", "Smith")
    assert code != 0 and out == ""
    assert str(target) in err and "dutyline --db" in err and "init" in err
    assert not (tmp_path / "wrong").exists()


def test_default_database_is_not_created_by_an_ordinary_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_cli(capsys, "callbacks", "list")
    assert code != 0 and "init" in err
    assert not (tmp_path / "home" / "dutyline.db").exists()


def test_in_memory_database_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(capsys, "--db", "sqlite://", "search", "Smith")
    assert code != 0 and "in-memory" in err


def test_database_class_refuses_a_missing_file_unless_asked_to_create(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing):
        Database(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()
    Database(f"sqlite:///{tmp_path / 'made.db'}", create=True).dispose()
    assert stat.S_IMODE((tmp_path / "made.db").stat().st_mode) == 0o600


def test_init_creates_then_commands_work_and_empty_search_names_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'dutyline.db'}"
    code, _out, err = run_cli(capsys, "--db", url, "init")
    assert code == 0 and "Created a new dutyline database" in err
    assert stat.S_IMODE((tmp_path / "new" / "dutyline.db").stat().st_mode) == 0o600
    code, _out, err = run_cli(capsys, "--db", url, "init")
    assert code == 0 and "already" in err
    code, out, err = run_cli(capsys, "--db", url, "search", "Smith")
    assert code == 0 and out == ""
    assert f"No matching cases in sqlite:///{tmp_path / 'new' / 'dutyline.db'}" in err
    code, out, err = run_cli(capsys, "--db", url, "search", "Smith", "--json")
    assert code == 0 and out.strip() == "[]" and "No matching cases in" in err


def test_read_only_file_is_reported_not_chmodded_or_written(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ro.db"
    target.write_bytes(sqlite_template.read_bytes())
    os.chmod(target, 0o400)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    code, _out, err = run_cli(capsys, "--db", f"sqlite:///{target}", "search", "Smith")
    assert code != 0 and "read-only" in err and str(target) in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o400
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert not target.with_name("ro.db-wal").exists()


def test_a_file_that_is_not_a_database_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("not a database\n" * 100)
    os.chmod(target, 0o600)
    code, _out, err = run_cli(capsys, "--db", f"sqlite:///{target}", "search", "Smith")
    assert code == 2 and str(target) in err and "unexpected" not in err


@pytest.mark.pg
def test_empty_postgres_database_is_refused_not_given_a_schema(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        admin = _pg_admin()
    except Exception as exc:  # noqa: BLE001 - no server: the conftest policy decides skip or fail
        if os.environ.get("DUTYLINE_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"dutyline_empty_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        code, _out, err = run_cli(
            capsys, "--db", _pg_url(name), "staff", "add", "mallory", "--name", "M", "--role", "admin"
        )
        assert code != 0 and "not a dutyline database" in err and "init" in err
        db = Database(_pg_url(name))
        try:
            with db.engine.connect() as conn:
                tables = conn.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                ).scalar()
        finally:
            db.dispose()
        assert tables == 0
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
