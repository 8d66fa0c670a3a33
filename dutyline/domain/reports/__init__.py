"""The manager's figures: promises kept, calls, and (later) ACT quality. Pure functions over aggregates.

Each figure is one function fed by grouped counts the store computes in SQL; see `promises` and `calls`.
"""
