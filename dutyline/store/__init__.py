"""Storage: SQLAlchemy 2 models, engines for SQLite and PostgreSQL, migrations, repositories.

Only this package (and the CLI composition root) imports SQLAlchemy. It returns domain objects, never rows.
"""
