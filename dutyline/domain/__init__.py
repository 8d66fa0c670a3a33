"""Pure domain: stages, clock, routing, search scoring. No SQLAlchemy, no Textual (a test enforces it)."""
