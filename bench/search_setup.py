"""Databases for bench/search.py: a SQLite file or a throwaway PostgreSQL database of demo cases.

Set-up, not measured: raw executemany / COPY, so a 1M-case database is ready in about a minute.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from dutyline.demo.generator import iter_case_rows


def write_sqlite(path: Path, n: int, seed: int) -> None:
    """A migrated SQLite file holding `n` demo cases (raw executemany: this is set-up, not measured)."""
    from dutyline.domain.text import phone_digits, postcode_key
    from dutyline.store import migrate
    from dutyline.store.engine import Database

    db = Database(f"sqlite:///{path}", create=True)
    migrate.upgrade(db)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    stamp = "2026-11-23 09:00:00.000000"
    officers: dict[str, int] = {}
    case_rows, contact_rows = [], []
    for i, r in enumerate(iter_case_rows(n, seed), 1):
        oid = officers.setdefault(r["named_officer"], len(officers) + 1)
        case_rows.append(
            (
                i,
                r["case_ref"],
                r["first_name"],
                r["last_name"],
                r["known_as"],
                r["date_of_birth"],
                r["postcode"],
                postcode_key(r["postcode"]),
                r["district"],
                r["school"],
                r["stage"],
                r["stage_since"],
                oid,
                "",
                stamp,
                stamp,
                1,
            )
        )
        for k in (1, 2):
            if r[f"contact{k}_name"]:
                contact_rows.append(
                    (
                        i,
                        k,
                        r[f"contact{k}_name"],
                        r[f"contact{k}_relationship"],
                        r[f"contact{k}_phone"],
                        phone_digits(r[f"contact{k}_phone"]),
                        "",
                        "",
                        "",
                        0,
                        1,
                    )
                )
    con.executemany(
        "INSERT INTO officer (id, name, email, active) VALUES (?, ?, ?, 1)",
        [(oid, name, f"officer{oid}@example.org") for name, oid in officers.items()],
    )
    con.executemany(
        'INSERT INTO "case" (id, case_ref, first_name, last_name, known_as, date_of_birth, postcode, '
        "postcode_key, district, school, stage, stage_since, named_officer_id, import_digest, created_at, "
        "updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        case_rows,
    )
    con.executemany(
        "INSERT INTO contact (case_id, position, name, relationship, phone, phone_key, alt_phone, "
        "alt_phone_key, email, parental_responsibility, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        contact_rows,
    )
    con.commit()
    con.close()
    os.chmod(path, 0o600)


def write_postgres(admin_url: str, n: int, seed: int) -> str:
    """A fresh migrated PostgreSQL database holding `n` demo cases (COPY from a SQLite copy; set-up)."""
    import psycopg

    from dutyline.store import migrate
    from dutyline.store.engine import Database

    name = f"dutyline_bench_{n}"
    base = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base.rsplit('/', 1)[0]}/{name}"
    db = Database(url, create=True)
    migrate.upgrade(db)
    db.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "src.db"
        write_sqlite(path, n, seed)
        src = sqlite3.connect(path)
        with psycopg.connect(url) as pg:
            for table, cols in (
                ("officer", "id, name, email, active"),
                (
                    '"case"',
                    "id, case_ref, first_name, last_name, known_as, date_of_birth, postcode, "
                    "postcode_key, district, school, stage, stage_since, named_officer_id, "
                    "import_digest, created_at, updated_at, version",
                ),
                (
                    "contact",
                    "case_id, position, name, relationship, phone, phone_key, alt_phone, "
                    "alt_phone_key, email, parental_responsibility, version",
                ),
            ):
                with pg.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in src.execute(f"SELECT {cols} FROM {table}"):
                        copy.write_row(
                            [
                                bool(v) if c.strip() in ("active", "parental_responsibility") else v
                                for c, v in zip(cols.split(","), row, strict=True)
                            ]
                        )
            for table in ("officer", "case", "contact"):
                pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
        src.close()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    return url


def drop_postgres(admin_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
