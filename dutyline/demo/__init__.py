"""Deterministic synthetic demo data (pure Python): cases in the import CSV format and demo officers.

Used by `dutyline demo`, the search tests and the import benchmarks; see `generator` for the API.
"""

from dutyline.demo.generator import CASE_COLUMNS, DEMO_TODAY, canary_row, demo_officers, iter_case_rows, write_csv

__all__ = ["CASE_COLUMNS", "DEMO_TODAY", "canary_row", "demo_officers", "iter_case_rows", "write_csv"]
