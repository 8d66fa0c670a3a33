"""Widgets that render domain values (case card, results table); they never fetch data themselves."""
