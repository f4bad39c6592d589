-- Wingtel central backend, migration 20261208000300: the functions behind the RLS policies get a fixed search_path
-- (issue 11, attack 3), id sequences are no longer writable by clients, and temporary tables are for trusted roles only.
--
-- The attack: app_readable_tables() (migration 2), which every read policy calls, had no SET search_path and read
-- pg_roles / pg_class unqualified. A session's temporary schema is searched FIRST for relations (and their row types)
-- whenever it is not named in the search_path, so a signed-in user who created `CREATE TEMP TABLE pg_roles (rolname
-- name, rolbypassrls boolean, rolsuper boolean)` holding their own role made the function answer "bypasses RLS": a
-- finance user read every care note and line, a user with no role read every account and payment.
--
-- The fix, in depth:
--   * every function a policy calls (and everything they call) is recreated with
--     SET search_path = pg_catalog, public, pg_temp (pg_temp named, hence searched last) and schema-qualified names.
--     Every SECURITY DEFINER function of db/central already had `public, pg_temp` (pg_catalog implicitly first, pg_temp
--     last: safe); src/central/trust-rls.test.ts keeps it so for any function added later.
--   * TEMPORARY on this database is revoked from PUBLIC, so the roles a person can act as (anon, authenticated and the
--     login roles of direct-Postgres workstations) cannot create temporary objects at all; the server's own roles get
--     it back explicitly. Nothing in the sync path needs a temporary table as a client role.
--   * the id sequences: Supabase-style default privileges had given anon and authenticated UPDATE on every sequence, so
--     anyone signed in could setval() care_interactions' sequence onto an existing id and block every later care note.
--     Identity columns need no privilege on their sequence to insert, so clients get none.

-- The workstation role from the JWT (app_metadata.role): operator, analyst, agent, finance or admin.
CREATE OR REPLACE FUNCTION public.app_role() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT auth.jwt() -> 'app_metadata' ->> 'role'
$$;

-- Which synced tables a workstation role may read (unchanged matrix; see db/central/README.md).
CREATE OR REPLACE FUNCTION public.app_role_tables(p_role text) RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE p_role
    WHEN 'admin' THEN ARRAY['plans', 'addons', 'accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices',
                            'invoice_items', 'payments', 'care_interactions', 'line_events']
    WHEN 'operator' THEN ARRAY['plans', 'addons', 'accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices',
                               'invoice_items', 'payments', 'care_interactions', 'line_events']
    -- analysts read everything except the free-text care notes (CPNI)
    WHEN 'analyst' THEN ARRAY['plans', 'addons', 'accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices',
                              'invoice_items', 'payments', 'line_events']
    WHEN 'agent' THEN ARRAY['plans', 'addons', 'accounts', 'lines', 'invoices', 'invoice_items', 'payments',
                            'care_interactions', 'line_events']
    WHEN 'finance' THEN ARRAY['plans', 'addons', 'accounts', 'invoices', 'invoice_items', 'payments']
    ELSE ARRAY[]::text[]
  END
$$;

-- The tables the current caller may read: a role bypassing RLS (service_role, a superuser) or the tables' owner reads
-- all. Every catalog name qualified, and the path fixed: a temporary pg_roles or pg_class cannot answer for pg_catalog.
CREATE OR REPLACE FUNCTION public.app_readable_tables() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE
    WHEN coalesce((SELECT r.rolbypassrls OR r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false)
      OR current_user = (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                         WHERE c.oid = 'public.lines'::pg_catalog.regclass)
      THEN public.app_role_tables('admin')
    ELSE public.app_role_tables(public.app_role())
  END
$$;

-- Whether the role running the current statement may bulk-load (the demo fill, migrations, service_role scripts): a
-- superuser, a role that bypasses RLS, or the owner of the domain tables (Supabase's postgres). "The role running the
-- statement" is the one SET ROLE chose (PostgREST, the direct remote and the sandbox all SET ROLE), else the login:
-- never current_user, which inside a SECURITY DEFINER trigger is the function's owner. anon and authenticated are
-- never loaders, nor is a login that is merely a member of authenticated.
CREATE OR REPLACE FUNCTION public.app_caller_is_loader() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  WITH caller AS (
    SELECT CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user
                ELSE pg_catalog.current_setting('role')::name END AS name
  )
  SELECT coalesce((SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r, caller WHERE r.rolname = caller.name), false)
      OR coalesce((SELECT pg_catalog.pg_has_role(caller.name, c.relowner, 'USAGE')
                   FROM pg_catalog.pg_class c, caller WHERE c.oid = 'public.lines'::pg_catalog.regclass), false)
$$;

-- Sequences: no client role may move or read them (inserts through identity defaults need no privilege on them).
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, anon, authenticated;

-- Temporary objects: only the server's own roles. (On a server where the migrating user may not change the database's
-- privileges, this is skipped with a notice: the search_path fix above is the defence that matters.)
DO $temp$
DECLARE
  r text;
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  FOR r IN SELECT rolname FROM pg_catalog.pg_roles
           WHERE rolname IN ('postgres', 'service_role', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin',
                             'supabase_realtime_admin', 'dashboard_user', 'pgbouncer')
              OR rolname = current_user LOOP
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), r);
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'TEMPORARY on database % left as it was: %', current_database(), SQLERRM;
END
$temp$;

INSERT INTO public.schema_version (version) VALUES ('20261208000300_policy_search_path') ON CONFLICT DO NOTHING;
