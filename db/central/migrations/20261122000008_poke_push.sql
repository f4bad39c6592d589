-- Wingtel central backend, migration 8: the central side pokes workstations ("pull now"), docs/SYNC-PROTOCOL.md
-- "Pokes". Idempotent (CREATE OR REPLACE / DROP ... IF EXISTS): it may be run again on a database that has it.
--
-- Every transaction that appends to the change log sends ONE poke, at commit (NOTIFY is transactional; a rolled-back
-- transaction or subtransaction sends nothing):
--   * NOTIFY sync_changes, payload = the writing transaction's xid8 as text (no table, no key, no row data: a role
--     that may not read what changed learns only that something committed). Direct-Postgres workstations LISTEN.
--   * on Supabase (when realtime.send exists): a Realtime broadcast, event `poke`, on the private topic
--     `sync_changes`, payload {"xid": "..."}; authenticated users with a workstation role may receive it.
-- The workstation pulls on a poke until its horizon passes the poked xid (a poke can arrive while an older
-- transaction still holds the horizon back). Realtime and NOTIFY may drop pokes: the workstation keeps a slow poll.
--
-- Coalescing: a statement-level trigger on sync_changes, skipped (WHEN, no function call) once this transaction has
-- poked: the flag wingtel.sync_poked = the xid, transaction-local, so it rolls back with a failed subtransaction
-- together with that subtransaction's NOTIFY.

-- The Realtime half (SECURITY DEFINER: realtime.messages is not writable by workstation roles). Absent schema = no-op.
CREATE OR REPLACE FUNCTION sync_poke_realtime(p_xid text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NOT NULL THEN
    EXECUTE 'SELECT realtime.send($1, $2, $3, true)' USING jsonb_build_object('xid', p_xid), 'poke', 'sync_changes';
  END IF;
END
$$;
REVOKE ALL ON FUNCTION sync_poke_realtime(text) FROM PUBLIC, anon, authenticated;

-- Runs as whoever wrote the log (the log trigger is SECURITY DEFINER, so: the log's owner); NOTIFY needs no rights.
CREATE OR REPLACE FUNCTION sync_poke() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_x text := pg_current_xact_id()::text;
BEGIN
  PERFORM set_config('wingtel.sync_poked', v_x, true);
  PERFORM pg_notify('sync_changes', v_x);
  PERFORM sync_poke_realtime(v_x);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION sync_poke() FROM PUBLIC, anon, authenticated;

DROP TRIGGER IF EXISTS sync_poke ON sync_changes;
CREATE TRIGGER sync_poke AFTER INSERT ON sync_changes FOR EACH STATEMENT
  WHEN (current_setting('wingtel.sync_poked', true) IS DISTINCT FROM pg_current_xact_id()::text)
  EXECUTE FUNCTION sync_poke();

-- Supabase Realtime authorization: who may join the private `sync_changes` topic (receive pokes). Only when the
-- realtime schema exists (plain PostgreSQL and PGlite have none).
DO $realtime$
BEGIN
  IF to_regclass('realtime.messages') IS NOT NULL AND to_regprocedure('realtime.topic()') IS NOT NULL THEN
    EXECUTE 'DROP POLICY IF EXISTS wingtel_sync_poke_receive ON realtime.messages';
    EXECUTE $p$CREATE POLICY wingtel_sync_poke_receive ON realtime.messages FOR SELECT TO authenticated
      USING (realtime.topic() = 'sync_changes' AND extension = 'broadcast' AND (SELECT public.app_role()) IS NOT NULL)$p$;
  END IF;
END
$realtime$;

INSERT INTO public.schema_version (version) VALUES ('20261122000008_poke_push') ON CONFLICT DO NOTHING;
