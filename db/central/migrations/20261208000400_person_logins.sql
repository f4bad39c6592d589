-- Wingtel central backend: a Postgres login per person (issue 11, attack 7b: "every direct-Postgres operator is the
-- same actor in the ledger").
--
-- A direct-Postgres client sets `request.jwt.claims` itself (SET LOCAL ROLE authenticated + set_config, as PostgREST
-- does): anything it claims is believed. A person who connects with a login of their own is instead named by the
-- server: `app_users` maps the session's login role to the person's user id, e-mail and workstation role, and
-- app_role(), app_actor() and app_actor_id() read that mapping and ignore the claims.
--   * A personal login is created `LOGIN IN ROLE authenticated, wingtel_person` (`central user add`, src/cli/central.ts).
--     `wingtel_person` (NOLOGIN) marks it: a member of it with no `app_users` row has no role at all, never the
--     claims' (a deleted mapping does not fall back to forgeable claims).
--   * session_user is what decides: SET ROLE changes current_user only, and only a superuser may change session_user.
--   * Supabase / PostgREST log in as `authenticator`, which is no person: claims come from the verified JWT, unchanged.
--   * A shared login (`wingtel_ws`, the superuser in tests) that is not a person keeps today's behaviour: it is trusted
--     with whatever claims it sets. docs/SECURITY.md says why personal logins are the answer for direct Postgres.

DO $person$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wingtel_person') THEN
    BEGIN
      CREATE ROLE wingtel_person NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by a migration in another database of this cluster
    END;
  END IF;
END
$person$;

CREATE TABLE IF NOT EXISTS app_users (
  login_role name PRIMARY KEY,
  user_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('operator', 'admin', 'analyst', 'agent', 'finance')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The person behind this session's login, or NULL when the login is no person (PostgREST's authenticator, a shared
-- login). A member of wingtel_person without a mapping comes back with login_role set and everything else NULL.
-- Membership is read from pg_auth_members (direct grants only): pg_has_role() says a superuser is a member of every role.
CREATE OR REPLACE FUNCTION app_person() RETURNS app_users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  u public.app_users;
BEGIN
  SELECT * INTO u FROM public.app_users WHERE login_role = session_user;
  IF FOUND THEN
    RETURN u;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
             JOIN pg_catalog.pg_roles g ON g.oid = m.roleid AND g.rolname = 'wingtel_person'
             JOIN pg_catalog.pg_roles p ON p.oid = m.member AND p.rolname = session_user) THEN
    u.login_role := session_user;
    RETURN u;
  END IF;
  RETURN NULL;
END
$$;

-- The workstation role: a person's mapped role, else the JWT's app_metadata.role (Supabase / PostgREST).
CREATE OR REPLACE FUNCTION app_role() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE WHEN p.login_role IS NOT NULL THEN p.role ELSE auth.jwt() -> 'app_metadata' ->> 'role' END
  FROM public.app_person() p
$$;

-- Who acts, as the ledger and line_events name them: a person's e-mail (or login), else the JWT's e-mail or sub.
CREATE OR REPLACE FUNCTION app_actor() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE WHEN p.login_role IS NOT NULL THEN coalesce(nullif(p.email, ''), p.login_role::text)
         ELSE coalesce(nullif(auth.jwt() ->> 'email', ''), auth.jwt() ->> 'sub', 'unknown') END
  FROM public.app_person() p
$$;

-- The author key of push_operations' idempotency (and of the daily money limit): a person's user id, else the JWT's
-- sub ('' when there is none).
CREATE OR REPLACE FUNCTION app_actor_id() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE WHEN p.login_role IS NOT NULL THEN coalesce(p.user_id::text, 'login:' || p.login_role)
         ELSE coalesce(auth.jwt() ->> 'sub', '') END
  FROM public.app_person() p
$$;

-- app_users: kept by service_role (the CLI runs as the owner) and by admins; nobody else reads it.
REVOKE ALL ON app_users FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON app_users TO service_role, authenticated;
ALTER TABLE app_users ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS app_users_admin ON app_users;
CREATE POLICY app_users_admin ON app_users FOR ALL TO authenticated
  USING ((SELECT app_role()) = 'admin') WITH CHECK ((SELECT app_role()) = 'admin');
-- app_person() stays executable by everyone (app_role() runs as its caller, in every policy): it tells a session
-- only about its own login.

INSERT INTO public.schema_version (version) VALUES ('20261208000400_person_logins') ON CONFLICT DO NOTHING;
