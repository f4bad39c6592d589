-- Wingtel central backend, migration 1: the Supabase roles, the auth helpers and the schema_version table.
--
-- On Supabase all of this already exists (roles, auth schema, auth.uid()/auth.jwt(), default privileges) and every
-- statement below is guarded so nothing is replaced or re-granted there. On a plain PostgreSQL >= 15 (self-hosted, CI,
-- PGlite) it creates them exactly as Supabase defines them, so the same RLS policies run everywhere.
--
-- Roles are cluster-wide while migrations are per database: several databases on one server (tests) may run this file
-- at the same time, so each role creation tolerates losing the race.

CREATE TABLE IF NOT EXISTS public.schema_version (
  version text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

DO $bootstrap$
DECLARE
  r record;
BEGIN
  -- anon, authenticated, service_role: NOLOGIN NOINHERIT as in supabase/postgres roles.sql; service_role bypasses RLS.
  -- authenticator: the role PostgREST logs in as (NOINHERIT, may SET ROLE to the three). Here NOLOGIN: an admin who
  -- self-hosts PostgREST gives it LOGIN and a password.
  FOR r IN SELECT * FROM (VALUES
      ('anon', 'NOLOGIN NOINHERIT'),
      ('authenticated', 'NOLOGIN NOINHERIT'),
      ('service_role', 'NOLOGIN NOINHERIT BYPASSRLS'),
      ('authenticator', 'NOLOGIN NOINHERIT')) AS v(name, attrs)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', r.name, r.attrs);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created concurrently by a migration in another database of this cluster
      END;
    END IF;
  END LOOP;

  FOR r IN SELECT unnest(ARRAY['anon', 'authenticated', 'service_role']) AS name LOOP
    IF NOT pg_has_role('authenticator', r.name, 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT %I TO authenticator', r.name);
      EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN
        NULL;
      END;
    END IF;
  END LOOP;

  -- The connecting (migration) user must be able to SET ROLE to them, as Supabase's postgres can. A superuser can
  -- already; on a managed server the owner of these roles is the creator.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    FOR r IN SELECT unnest(ARRAY['anon', 'authenticated', 'service_role']) AS name LOOP
      IF NOT pg_has_role(current_user, r.name, 'MEMBER') THEN
        BEGIN
          EXECUTE format('GRANT %I TO %I', r.name, current_user);
        EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege OR invalid_grant_operation THEN
          NULL;
        END;
      END IF;
    END LOOP;
  END IF;
END
$bootstrap$;

-- The auth schema and its helpers, as supabase/auth defines them (migrations 20220531120530_add_auth_jwt_function and
-- the uid/role/email functions). Only created when missing: on Supabase they belong to supabase_auth_admin.
DO $auth$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    CREATE SCHEMA auth;
    GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
  END IF;

  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
      select
      coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $f$;
    COMMENT ON FUNCTION auth.uid() IS 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
  END IF;

  IF to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $f$
      select
      coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $f$;
    COMMENT ON FUNCTION auth.role() IS 'Deprecated. Use auth.jwt() -> ''role'' instead.';
  END IF;

  IF to_regprocedure('auth.email()') IS NULL THEN
    CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $f$
      select
      coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
      )::text
    $f$;
    COMMENT ON FUNCTION auth.email() IS 'Deprecated. Use auth.jwt() -> ''email'' instead.';
  END IF;

  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $f$
      select
        coalesce(
            nullif(current_setting('request.jwt.claim', true), ''),
            nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
    $f$;
  END IF;

  -- Grants on schema public and default privileges, as Supabase sets them up. (Harmless repeats on Supabase.)
  GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
END
$auth$;

-- The schema_version table is public knowledge (the workstation shows it); nobody but migrations writes it.
REVOKE ALL ON public.schema_version FROM anon, authenticated, service_role;
GRANT SELECT ON public.schema_version TO authenticated, service_role;
ALTER TABLE public.schema_version ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS schema_version_read ON public.schema_version;
CREATE POLICY schema_version_read ON public.schema_version FOR SELECT TO authenticated USING (true);

INSERT INTO public.schema_version (version) VALUES ('20261122000001_bootstrap_roles') ON CONFLICT DO NOTHING;
