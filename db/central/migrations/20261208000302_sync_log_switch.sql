-- Wingtel central backend, migration 20261208000302: the change log's bulk-load switch is for bulk loaders only, and
-- nobody but the server may broadcast a Realtime poke (issue 11, attacks 4 and 8).
--
-- Attack 4: `SET LOCAL wingtel.sync_log = 'off'` is a plain session setting that anyone can set; the log trigger
-- (sync_log_row, migrations 3 and 8) honoured it for every writer, so an agent could add a care note that never
-- reached the change log (no workstation ever pulled it). The switch exists for the demo fill of a fresh database
-- (which then rotates the instance id so every cursor resets). Now it is honoured only when app_caller_is_loader()
-- (migration 20261208000300: superuser, service_role, the tables' owner); for anon/authenticated the row is logged
-- whatever the session says. Same for TRUNCATE (not granted to clients anyway).
--
-- Attack 8 (server side): the poke. NOTIFY has no privilege in PostgreSQL: any session that can connect may
-- `NOTIFY sync_changes, '<anything>'`, and nothing can revoke that. The defence is on the workstation (a poke is only a
-- hint: src/core/sync/poke-gate.ts). On Supabase the same poke is a Realtime broadcast on the private topic
-- `sync_changes`; clients may send on a private topic only where an INSERT policy on realtime.messages lets them. A
-- RESTRICTIVE policy below makes sure no client role ever can for this topic, whatever permissive policies a project
-- adds for its own channels (realtime.send from sync_poke_realtime runs as the function's owner, not as a client).
-- (The project's Realtime setting "Allow public access" must be off for private channels to be enforced at all.)

CREATE OR REPLACE FUNCTION public.sync_log_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  j jsonb;
  o jsonb;
  pk jsonb;
BEGIN
  -- the bulk-load switch, honoured only for bulk loaders (anyone else's rows are logged whatever they set)
  IF current_setting('wingtel.sync_log', true) = 'off' AND public.app_caller_is_loader() THEN
    RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW END;
  END IF;
  -- the poke (migration 8): once per transaction, at its first logged row
  IF current_setting('wingtel.sync_poked', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
    PERFORM sync_poke_now();
  END IF;
  IF TG_OP = 'DELETE' OR TG_WHEN = 'BEFORE' THEN
    -- a deleted row, or (sync_log_pk) the old key of a row whose primary key an UPDATE changes: a tombstone
    o := to_jsonb(OLD);
    INSERT INTO sync_changes (table_name, op, pk)
    VALUES (TG_TABLE_NAME, 'delete', CASE WHEN TG_NARGS = 1 THEN jsonb_build_object(TG_ARGV[0], o -> TG_ARGV[0])
                                     ELSE jsonb_build_object(TG_ARGV[0], o -> TG_ARGV[0], TG_ARGV[1], o -> TG_ARGV[1]) END);
    RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW END; -- a BEFORE trigger must let the UPDATE proceed
  END IF;
  -- (an UPDATE that changes the primary key also fired sync_log_pk first: the old key's tombstone is already logged)
  j := to_jsonb(NEW);
  pk := CASE WHEN TG_NARGS = 1 THEN jsonb_build_object(TG_ARGV[0], j -> TG_ARGV[0])
        ELSE jsonb_build_object(TG_ARGV[0], j -> TG_ARGV[0], TG_ARGV[1], j -> TG_ARGV[1]) END;
  IF TG_TABLE_NAME = 'usage_daily' THEN
    j := sync_image(TG_TABLE_NAME, j);
  END IF;
  INSERT INTO sync_changes (table_name, op, pk, "row") VALUES (TG_TABLE_NAME, 'upsert', pk, j);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.sync_log_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF current_setting('wingtel.sync_log', true) = 'off' AND public.app_caller_is_loader() THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'TRUNCATE of synced table % is not allowed: DELETE the rows (they travel as tombstones)', TG_TABLE_NAME
    USING ERRCODE = 'feature_not_supported';
END
$$;

DO $realtime$
BEGIN
  IF to_regclass('realtime.messages') IS NOT NULL AND to_regprocedure('realtime.topic()') IS NOT NULL THEN
    EXECUTE 'DROP POLICY IF EXISTS wingtel_sync_poke_no_client_send ON realtime.messages';
    EXECUTE $p$CREATE POLICY wingtel_sync_poke_no_client_send ON realtime.messages AS RESTRICTIVE FOR INSERT
      TO anon, authenticated WITH CHECK (realtime.topic() IS DISTINCT FROM 'sync_changes')$p$;
  END IF;
END
$realtime$;

INSERT INTO public.schema_version (version) VALUES ('20261208000302_sync_log_switch') ON CONFLICT DO NOTHING;
