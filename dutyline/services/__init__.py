"""Use cases: the only API the UI and CLI call. Each public function checks permission and audits.

Services take a `Context` (database, policy, the acting person, a clock) and return domain objects.
"""
