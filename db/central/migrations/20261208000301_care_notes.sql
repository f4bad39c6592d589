-- Wingtel central backend, migration 20261208000301: care notes are stamped by the server (issue 11, attack 4).
--
-- Agents, operators and admins INSERT care notes directly (migration 6). Before this migration the client chose every
-- column: any agent name, any (backdated) time, and any id — inserting the sequence's next id made everyone's next
-- note fail on the primary key. Now, for every caller that is not a bulk loader (app_caller_is_loader(), migration
-- 20261208000300: superuser, service_role, the tables' owner), a BEFORE INSERT trigger:
--   * id: accepts only the value the column default just drew from the sequence; an explicit id (with or without
--     OVERRIDING SYSTEM VALUE) is refused, 428C9 "leave id out";
--   * agent: set to app_actor(), the signed-in user; a client value naming anyone else is refused, 42501 (a forgery is
--     an error the sender sees, never silently rewritten); leaving it out, or sending yourself, is fine;
--   * created_at: always app_now() (the server's clock; the demo clock on a demo database). A client value is ignored:
--     clocks differ, so refusing every value that is not exactly now would refuse honest clients.
-- Bulk loaders (the demo fill, fixtures, migrations) keep writing their own ids, agents and times.

-- The actor the server records for the current caller. A1 (identity) may replace it with the personal login mapping;
-- created here only when absent, so whichever migration defines it first wins and a later CREATE OR REPLACE refines it.
DO $actor$
BEGIN
  IF to_regprocedure('public.app_actor()') IS NULL THEN
    EXECUTE $f$
      CREATE FUNCTION public.app_actor() RETURNS text
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $b$
        SELECT coalesce(nullif(auth.jwt() ->> 'email', ''), nullif(auth.jwt() ->> 'sub', ''))
      $b$$f$;
    COMMENT ON FUNCTION public.app_actor() IS 'The signed-in user as the server records them: JWT email, else sub.';
  END IF;
END
$actor$;

-- SECURITY DEFINER: reads the sequence's currval, on which clients hold no privilege (migration 20261208000300).
CREATE OR REPLACE FUNCTION public.care_note_stamp() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  v_actor text;
  v_drawn bigint;
BEGIN
  IF public.app_caller_is_loader() THEN
    RETURN NEW;
  END IF;
  -- the id the column default drew for this row is this session's currval; anything else came from the client
  BEGIN
    v_drawn := pg_catalog.currval(pg_catalog.pg_get_serial_sequence('public.care_interactions', 'id')::pg_catalog.regclass);
  EXCEPTION WHEN object_not_in_prerequisite_state THEN
    v_drawn := NULL; -- no id drawn in this session: the row's id is the client's
  END;
  IF NEW.id IS DISTINCT FROM v_drawn THEN
    RAISE EXCEPTION 'care notes get their id from the server: leave id out of the insert (got %)', NEW.id
      USING ERRCODE = '428C9';
  END IF;
  v_actor := public.app_actor();
  IF v_actor IS NULL THEN
    RAISE EXCEPTION 'a care note needs a signed-in user: the token names no email or user id'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.agent IS NOT NULL AND NEW.agent <> v_actor THEN
    RAISE EXCEPTION 'a care note is signed by the user who writes it (%): leave agent out instead of naming %', v_actor, NEW.agent
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.agent := v_actor;
  NEW.created_at := public.app_now();
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.care_note_stamp() FROM PUBLIC, anon, authenticated;

DROP TRIGGER IF EXISTS care_note_stamp ON public.care_interactions;
CREATE TRIGGER care_note_stamp BEFORE INSERT ON public.care_interactions
  FOR EACH ROW EXECUTE FUNCTION public.care_note_stamp();

INSERT INTO public.schema_version (version) VALUES ('20261208000301_care_notes') ON CONFLICT DO NOTHING;
