"""An unexpected error must not print a child's details: Textual's own crash report shows local variables."""

from __future__ import annotations

import pytest

from tests.ui.conftest import AppFactory, settle
from tests.ui.seed import Seeded


async def test_crash_report_names_the_error_type_only(
    make_app: AppFactory, seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()
    with pytest.raises(RuntimeError):  # run_test re-raises the app's error for the test's benefit
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            child_name = "Zzcanary Qxolotl"  # a local variable Textual's default report would print

            def explode() -> None:
                raise RuntimeError(f"lookup failed for {child_name}")

            try:
                explode()
            except RuntimeError as exc:
                app._handle_exception(exc)
            await pilot.pause(0.1)
    report = capsys.readouterr().err
    assert "unexpected error (RuntimeError)" in report and "autosaved" in report
    assert "Zzcanary" not in report and "Traceback" not in report and "child_name" not in report
    assert app.return_code == 1
