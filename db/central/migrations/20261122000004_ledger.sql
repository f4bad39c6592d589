-- Wingtel central backend, migration 4: the ledger of executed operations. Append-only and hash-chained:
--   hash = sha256(prev_hash || convert_to(ledger_canonical(entry), 'UTF8'))   (built-in sha256(bytea), no extension)
-- The first entry's prev_hash is 32 zero bytes. Appends are serialized through the singleton ledger_head row (locked
-- FOR UPDATE by the insert trigger, and by push_operations before it touches anything), so concurrent pushers can
-- neither fork the chain nor leave gaps in the ids: the id is the last entry's id + 1, assigned under that lock.
-- (Under REPEATABLE READ a pusher that raced another gets a serialization failure on the head row and retries.)

CREATE TABLE IF NOT EXISTS ledger (
  id bigint PRIMARY KEY,
  at text NOT NULL,
  client_id text NOT NULL,
  op_id bigint NOT NULL,
  batch_id text,
  actor text NOT NULL,
  role text NOT NULL,
  action text NOT NULL,
  line_id bigint,
  account_id text,
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  before_state jsonb,
  after_state jsonb,
  sentence text,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  CONSTRAINT ledger_client_op UNIQUE (client_id, op_id)
);

CREATE TABLE IF NOT EXISTS ledger_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_id bigint NOT NULL DEFAULT 0,
  hash bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex')
);
INSERT INTO ledger_head (id) VALUES (true) ON CONFLICT DO NOTHING;

-- The canonical payload of an entry: the PostgreSQL jsonb text of a fixed-order array of its fields. jsonb renders
-- deterministically (object keys sorted, fixed spacing), so any verifier that reads the fields (jsonb columns as text)
-- can rebuild it: `[` + fields joined by `, ` + `]`, text as JSON strings, numbers as digits, null as null.
-- (STABLE, as jsonb_build_array is, so that it is inlined where it is used.)
CREATE OR REPLACE FUNCTION ledger_canonical(l ledger) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(l.id, l.at, l.client_id, l.op_id, l.batch_id, l.actor, l.role, l.action, l.line_id,
                           l.account_id, l.params, l.before_state, l.after_state, l.sentence)::text
$$;

CREATE OR REPLACE FUNCTION ledger_before_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_id bigint;
  v_prev bytea;
BEGIN
  -- the chain lock (skipped when push_operations took it for this transaction already)
  IF current_setting('wingtel.ledger_tx', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
    PERFORM 1 FROM ledger_head FOR UPDATE;
  END IF;
  SELECT l.id, l.hash INTO v_id, v_prev FROM ledger l ORDER BY l.id DESC LIMIT 1;
  IF v_id IS NULL THEN
    -- an empty ledger continues from the head (all zeros for a new one)
    SELECT h.last_id, h.hash INTO v_id, v_prev FROM ledger_head h;
  END IF;
  NEW.id := v_id + 1;
  NEW.prev_hash := v_prev;
  NEW.at := coalesce(NEW.at, app_now());
  NEW.params := coalesce(NEW.params, '{}'::jsonb);
  NEW.hash := sha256(NEW.prev_hash || convert_to(ledger_canonical(NEW), 'UTF8'));
  RETURN NEW;
END
$$;

-- The head row records the last entry at commit (deferred, once per transaction: only the trigger of the newest entry
-- writes it), so a verifier can tell a ledger whose tail was cut off. push_operations writes it itself at its end and
-- the trigger is not even queued for its entries (wingtel.ledger_tx = its xid). Writing it once per transaction instead of once
-- per entry keeps a 10,000-op push from walking a 10,000-version chain of the same row.
CREATE OR REPLACE FUNCTION ledger_after_commit_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_id bigint;
  v_hash bytea;
BEGIN
  SELECT l.id, l.hash INTO v_id, v_hash FROM ledger l ORDER BY l.id DESC LIMIT 1;
  IF v_id = NEW.id THEN
    UPDATE ledger_head SET last_id = v_id, hash = v_hash;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- the head row moves only from the ledger's commit trigger, or at the end of push_operations (which holds the lock)
  IF TG_TABLE_NAME = 'ledger_head' AND TG_OP = 'UPDATE'
     AND (pg_trigger_depth() > 1 OR current_setting('wingtel.ledger_tx', true) = pg_current_xact_id()::text) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS ledger_chain ON ledger;
CREATE TRIGGER ledger_chain BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_before_insert();
DROP TRIGGER IF EXISTS ledger_head_at_commit ON ledger;
CREATE CONSTRAINT TRIGGER ledger_head_at_commit AFTER INSERT ON ledger DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (current_setting('wingtel.ledger_tx', true) IS DISTINCT FROM pg_current_xact_id()::text)
  EXECUTE FUNCTION ledger_after_commit_head();
DROP TRIGGER IF EXISTS ledger_append_only ON ledger;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_no_truncate ON ledger;
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_head_guard ON ledger_head;
CREATE TRIGGER ledger_head_guard BEFORE UPDATE OR DELETE ON ledger_head FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_head_no_truncate ON ledger_head;
CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- No role may UPDATE, DELETE or TRUNCATE the ledger, its owner included (only a superuser ignores privileges, and the
-- triggers above refuse it too; verify catches anyone who goes around both). Inserts only through push_operations.
DO $grants$
BEGIN
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ledger FROM PUBLIC, anon, authenticated, service_role, %I', current_user);
  EXECUTE format('REVOKE DELETE, TRUNCATE ON ledger_head FROM PUBLIC, anon, authenticated, service_role, %I', current_user);
END
$grants$;
REVOKE INSERT, REFERENCES, TRIGGER ON ledger FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON ledger_head FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON ledger TO authenticated, service_role;
GRANT SELECT ON ledger_head TO service_role;
ALTER TABLE ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_head ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS ledger_read ON ledger;
CREATE POLICY ledger_read ON ledger FOR SELECT TO authenticated
  USING ((SELECT app_role()) IN ('operator', 'admin', 'finance', 'analyst'));

-- Verify the whole chain: every entry's hash recomputed, every prev_hash equal to the previous entry's hash, ids without
-- gaps, and the head equal to the last entry (so a deleted tail is caught too).
-- Returns {"ok", "entries", "first_bad_id", "reason"}; first_bad_id names the first entry that does not verify (for a
-- missing tail: the id that should follow the last one).
CREATE OR REPLACE FUNCTION ledger_verify() RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_n bigint;
  v_bad bigint;
  v_reason text;
  v_last_id bigint;
  v_last_hash bytea;
  h ledger_head;
  v_caller text;
BEGIN
  -- the caller: the role set by SET ROLE (PostgREST, the direct client) or the login itself
  v_caller := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  IF NOT (v_caller = 'service_role'
          OR coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = v_caller), false)
          OR v_caller = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.ledger'::regclass)
          OR coalesce(app_role(), '') IN ('operator', 'admin', 'finance', 'analyst')) THEN
    RAISE EXCEPTION 'ledger_verify: role % may not audit the ledger', coalesce(app_role(), v_caller)
      USING ERRCODE = 'insufficient_privilege';
  END IF;

  SELECT count(*), max(id) INTO v_n, v_last_id FROM ledger;
  SELECT x.id, x.reason INTO v_bad, v_reason FROM (
    SELECT l.id,
      CASE
        WHEN l.id <> coalesce(lag(l.id) OVER w, 0) + 1 THEN 'entries missing before this id'
        WHEN l.prev_hash <> coalesce(lag(l.hash) OVER w, decode(repeat('00', 32), 'hex')) THEN 'prev_hash does not match the previous entry'
        WHEN l.hash <> sha256(l.prev_hash || convert_to(ledger_canonical(l), 'UTF8')) THEN 'hash does not match the entry''s contents'
      END AS reason
    FROM ledger l WINDOW w AS (ORDER BY l.id)
  ) x WHERE x.reason IS NOT NULL ORDER BY x.id LIMIT 1;

  IF v_bad IS NULL THEN
    SELECT * INTO h FROM ledger_head;
    SELECT hash INTO v_last_hash FROM ledger WHERE id = v_last_id;
    IF h.last_id <> coalesce(v_last_id, 0) OR h.hash <> coalesce(v_last_hash, decode(repeat('00', 32), 'hex')) THEN
      v_bad := coalesce(v_last_id, 0) + 1;
      v_reason := format('the chain head is at entry %s but the ledger ends at %s', h.last_id, coalesce(v_last_id, 0));
    END IF;
  END IF;

  RETURN jsonb_build_object('ok', v_bad IS NULL, 'entries', v_n, 'first_bad_id', v_bad, 'reason', v_reason);
END
$$;
REVOKE ALL ON FUNCTION ledger_verify() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION ledger_verify() TO authenticated, service_role;
REVOKE ALL ON FUNCTION ledger_before_insert() FROM PUBLIC, anon, authenticated;
REVOKE ALL ON FUNCTION ledger_after_commit_head() FROM PUBLIC, anon, authenticated;

INSERT INTO public.schema_version (version) VALUES ('20261122000004_ledger') ON CONFLICT DO NOTHING;
