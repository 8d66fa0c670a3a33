"""One Settings object: flags over DUTYLINE_* variables over defaults, documented in the README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from dutyline.cli.common import CliError, load_settings
from dutyline.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_settings() -> set[str]:
    """The DUTYLINE_* names in the README's configuration table."""
    text = README.read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"`DUTYLINE_([A-Z_]+)", table))


def test_the_readme_table_lists_every_setting_and_nothing_else() -> None:
    assert readme_settings() == {name.upper() for name in Settings.model_fields}


def test_flags_win_over_the_environment_which_wins_over_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYLINE_DB", "sqlite:////tmp/env.db")
    monkeypatch.setenv("DUTYLINE_LEASE_SECONDS", "60")
    settings = load_settings(argparse.Namespace(db="sqlite:////tmp/flag.db", policy=None))
    assert settings.database_url == "sqlite:////tmp/flag.db"
    assert settings.lease_seconds == 60
    assert settings.idle_lock == 300 and settings.policy is None and not settings.debug


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with pytest.raises(ValueError):
        settings.idle_lock = 5  # type: ignore[misc]  # the point: assignment is refused


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYLINE_IDLE_LOCK", "soon")
    with pytest.raises(CliError, match="DUTYLINE_IDLE_LOCK"):
        load_settings(argparse.Namespace(db=None, policy=None))


def test_the_environment_is_read_when_settings_are_built_not_later(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUTYLINE_HOME", str(tmp_path / "first"))
    settings = load_settings()
    monkeypatch.setenv("DUTYLINE_HOME", str(tmp_path / "second"))
    assert settings.data_dir == tmp_path / "first"


def test_no_module_reads_the_environment_after_start_up() -> None:
    """Only config.py (through pydantic-settings) and the CLI's composition root touch os.environ."""
    package = Path(__file__).resolve().parents[1] / "dutyline"
    readers = sorted(
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if re.search(r"os\.environ|os\.getenv|getenv\(", p.read_text(encoding="utf-8"))
    )
    assert readers == []
