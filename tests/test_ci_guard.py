"""The CI guard in tests/conftest.py still fails the run when a PostgreSQL test skips, with the suite spread
over pytest-xdist workers (their reports reach the controller, which decides the exit code)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import pytest


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_probe(backend: str) -> None:
    if backend == "postgresql":
        pytest.skip("as if PostgreSQL were not reachable")
"""


def test_a_skipped_postgresql_test_fails_ci_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest("from tests.conftest import pytest_sessionfinish  # noqa: F401\n")
    pytester.makepyfile(test_probe=PROBE)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("DUTYLINE_REQUIRE_PG", "1")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)  # nothing failed: the exit code is the guard's alone
    assert result.ret == 1, result.stdout.str()
    assert "FAIL: 1 PostgreSQL test(s) skipped but DUTYLINE_REQUIRE_PG=1:" in result.stdout.str()
