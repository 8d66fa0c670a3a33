-- dutyline: the least-privilege PostgreSQL role the desks connect as (docs/PRIVACY.md, C7).
--
-- Why: the audit trail must not be changeable by the people it records. The database refuses UPDATE,
-- DELETE and TRUNCATE on audit_event with a trigger, but the table's OWNER can disable triggers. So the
-- desks never connect as the owner: they connect as dutyline_app, which owns nothing (it cannot alter,
-- drop or disable anything) and on audit_event holds INSERT and SELECT only.
--
-- How:
--   1. Create the database and let dutyline create the schema as the owner role (any dutyline command
--      run with --db postgresql://OWNER@HOST/dutyline migrates it; so does every upgrade).
--   2. As the owner, in that database, run this file:
--        psql "postgresql://OWNER@HOST/dutyline" -v ON_ERROR_STOP=1 -f dutyline/store/pg_grants.sql
--      Run it again after every dutyline upgrade, so new tables get the same grants.
--   3. Give dutyline_app a password (ALTER ROLE dutyline_app PASSWORD '...') or a client certificate, allow
--      it with hostssl + scram-sha-256 in pg_hba.conf, and point each desk at
--        DUTYLINE_DB=postgresql://dutyline_app@HOST/dutyline?sslmode=verify-full
--   Upgrades must run as the owner: as dutyline_app, a new version stops with a permission error instead
--   of changing the schema.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dutyline_app') THEN
        CREATE ROLE dutyline_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO dutyline_app', current_database());
END
$$;

-- Start clean, so re-running after an upgrade never leaves a stray right behind.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dutyline_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dutyline_app;

GRANT USAGE ON SCHEMA public TO dutyline_app;
-- Working tables: normal reads and writes (cases, contacts, calls, queues, drafts, staff, teams).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dutyline_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dutyline_app;
-- The schema version: read only (dutyline checks it on start; only the owner upgrades).
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM dutyline_app;
-- The audit trail: append and read, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM dutyline_app;
