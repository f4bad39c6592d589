-- Wingtel central backend: the ledger gets a dedicated owner role and signed heads (issue 11, attack 2).
--
-- 1. `ledger_owner` (NOLOGIN) owns ledger, ledger_head, ledger_signatures and the ledger's functions; the SECURITY
--    DEFINER functions that append and verify run as it with a fixed search_path. No application role (anon,
--    authenticated, service_role, authenticator, the workstations' login roles) is a member of it, so none of them can
--    ALTER the tables, disable their triggers or rewrite them as their owner. The migration user (Supabase: postgres)
--    needs membership to hand the objects over and to replace the functions later; it stays trusted (see README).
-- 2. `ledger_signatures(entry_id, hash, key_id, signature, signed_at)`: Ed25519 signatures over (entry_id, hash) made
--    with a key the database never holds (the worker's or an admin's, `central ledger sign`). Insert-only; a signature
--    must name the entry's current hash. PostgreSQL cannot check Ed25519 itself: workstations verify the signatures
--    against their configured public keys (WINGTEL_LEDGER_KEYS). ledger_verify() checks that every signed entry still
--    has the hash that was signed.
-- 3. ledger_page(after, limit): the raw entries, the head and the signatures in one JSON reply, so a workstation can
--    recompute the chain and check the signatures itself (through PostgREST, direct Postgres or the sandbox).

DO $owner$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_owner') THEN
    BEGIN
      CREATE ROLE ledger_owner NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by a migration in another database of this cluster
    END;
  END IF;
  -- the migration user hands the ledger over to it (ALTER ... OWNER needs membership unless superuser)
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'ledger_owner', 'MEMBER') THEN
    EXECUTE format('GRANT ledger_owner TO %I', current_user);
  END IF;
  -- a new owner needs CREATE on the schema of what it owns
  GRANT USAGE, CREATE ON SCHEMA public TO ledger_owner;
END
$owner$;

CREATE TABLE IF NOT EXISTS ledger_signatures (
  entry_id bigint NOT NULL,
  hash bytea NOT NULL,
  key_id text NOT NULL CHECK (key_id ~ '^[A-Za-z0-9._-]{1,64}$'),
  signature bytea NOT NULL CHECK (length(signature) = 64),
  signed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entry_id, key_id)
);

-- A signature names an existing entry and its current hash (a signer that read a stale or forged hash is refused).
CREATE OR REPLACE FUNCTION ledger_signature_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger l WHERE l.id = NEW.entry_id AND l.hash = NEW.hash) THEN
    RAISE EXCEPTION 'ledger_signatures: entry % does not exist or does not have the signed hash', NEW.entry_id
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.signed_at := now();
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS ledger_signature_check ON ledger_signatures;
CREATE TRIGGER ledger_signature_check BEFORE INSERT ON ledger_signatures FOR EACH ROW EXECUTE FUNCTION ledger_signature_check();
DROP TRIGGER IF EXISTS ledger_signatures_append_only ON ledger_signatures;
CREATE TRIGGER ledger_signatures_append_only BEFORE UPDATE OR DELETE ON ledger_signatures FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_signatures_no_truncate ON ledger_signatures;
CREATE TRIGGER ledger_signatures_no_truncate BEFORE TRUNCATE ON ledger_signatures FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Who may audit the ledger: the roles that read it (operator, admin, finance, analyst), service_role, a superuser or
-- BYPASSRLS login, and the ledger's owner. Reads the JWT claims directly (no dependency on the auth schema, which the
-- owner role may not use on Supabase).
CREATE OR REPLACE FUNCTION ledger_may_audit() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH c AS (SELECT coalesce(nullif(current_setting('role', true), 'none'), session_user::text) AS caller)
  SELECT c.caller = 'service_role'
      OR c.caller = 'ledger_owner'
      OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = c.caller) AND pg_catalog.pg_has_role(c.caller, 'ledger_owner', 'MEMBER'))
      OR coalesce((SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = c.caller), false)
      OR coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'app_metadata' ->> 'role', '')
           IN ('operator', 'admin', 'finance', 'analyst')
  FROM c
$$;

-- Verify the whole chain (as migration 4) and, in addition, that every signed entry still has the hash that was signed
-- and that no signature names an entry past the end. The first bad entry in id order wins.
CREATE OR REPLACE FUNCTION ledger_verify() RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_n bigint;
  v_bad bigint;
  v_reason text;
  v_last_id bigint;
  v_last_hash bytea;
  v_sig_bad bigint;
  v_sig_reason text;
  h ledger_head;
BEGIN
  IF NOT ledger_may_audit() THEN
    RAISE EXCEPTION 'ledger_verify: role % may not audit the ledger',
      coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'app_metadata' ->> 'role', current_setting('role', true))
      USING ERRCODE = 'insufficient_privilege';
  END IF;

  SELECT count(*), max(id) INTO v_n, v_last_id FROM ledger;
  SELECT x.id, x.reason INTO v_bad, v_reason FROM (
    SELECT l.id,
      CASE
        WHEN l.id <> coalesce(lag(l.id) OVER w, 0) + 1 THEN 'gap: entries missing before this id'
        WHEN l.prev_hash <> coalesce(lag(l.hash) OVER w, decode(repeat('00', 32), 'hex')) THEN 'hash mismatch: prev_hash does not match the previous entry'
        WHEN l.hash <> sha256(l.prev_hash || convert_to(ledger_canonical(l), 'UTF8')) THEN 'hash mismatch: the hash does not match the entry''s contents'
      END AS reason
    FROM ledger l WINDOW w AS (ORDER BY l.id)
  ) x WHERE x.reason IS NOT NULL ORDER BY x.id LIMIT 1;

  IF v_bad IS NULL THEN
    SELECT * INTO h FROM ledger_head;
    SELECT hash INTO v_last_hash FROM ledger WHERE id = v_last_id;
    IF h.last_id <> coalesce(v_last_id, 0) OR h.hash <> coalesce(v_last_hash, decode(repeat('00', 32), 'hex')) THEN
      v_bad := coalesce(v_last_id, 0) + 1;
      v_reason := format('cut-off tail: the chain head is at entry %s but the ledger ends at %s', h.last_id, coalesce(v_last_id, 0));
    END IF;
  END IF;

  SELECT s.entry_id,
         CASE WHEN l.id IS NULL THEN format('cut-off tail: entry %s was signed by %s on %s but is gone', s.entry_id, s.key_id, s.signed_at)
              ELSE format('signed hash differs: entry %s changed after %s signed it on %s', s.entry_id, s.key_id, s.signed_at) END
    INTO v_sig_bad, v_sig_reason
  FROM ledger_signatures s LEFT JOIN ledger l ON l.id = s.entry_id
  WHERE l.id IS NULL OR l.hash <> s.hash
  ORDER BY s.entry_id LIMIT 1;
  IF v_sig_bad IS NOT NULL AND (v_bad IS NULL OR v_sig_bad < v_bad) THEN
    v_bad := v_sig_bad;
    v_reason := v_sig_reason;
  END IF;

  RETURN jsonb_build_object('ok', v_bad IS NULL, 'entries', v_n, 'first_bad_id', v_bad, 'reason', v_reason);
END
$$;

-- One page of the raw ledger for an independent verifier: entries with id > p_after (at most p_limit, jsonb fields as
-- PostgreSQL's canonical text, hashes as hex), the signatures of the entries in that range (the last page: every later
-- signature too, so a signature of a cut-off entry is seen), the head and the entry count.
CREATE OR REPLACE FUNCTION ledger_page(p_after bigint, p_limit int) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_entries json;
  v_n int;
  v_max bigint;
  v_sigs json;
  v_head json;
  v_total bigint;
BEGIN
  IF NOT ledger_may_audit() THEN
    RAISE EXCEPTION 'ledger_page: this role may not audit the ledger' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_after IS NULL OR p_after < 0 OR p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
    RAISE EXCEPTION 'ledger_page: after must be >= 0 and limit between 1 and 10000' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT coalesce(json_agg(json_build_object(
           'id', e.id::text, 'at', e.at, 'client_id', e.client_id, 'op_id', e.op_id::text, 'batch_id', e.batch_id,
           'actor', e.actor, 'role', e.role, 'action', e.action, 'line_id', e.line_id::text, 'account_id', e.account_id,
           'params', e.params::text, 'before_state', e.before_state::text, 'after_state', e.after_state::text,
           'sentence', e.sentence, 'prev_hash', encode(e.prev_hash, 'hex'), 'hash', encode(e.hash, 'hex')) ORDER BY e.id), '[]'::json),
         count(*), max(e.id)
    INTO v_entries, v_n, v_max
  FROM (SELECT * FROM ledger WHERE id > p_after ORDER BY id LIMIT p_limit) e;
  SELECT coalesce(json_agg(json_build_object('entry_id', s.entry_id::text, 'hash', encode(s.hash, 'hex'), 'key_id', s.key_id,
           'signature', encode(s.signature, 'base64'), 'signed_at', s.signed_at) ORDER BY s.entry_id, s.key_id), '[]'::json)
    INTO v_sigs
  FROM ledger_signatures s
  WHERE s.entry_id > p_after AND (v_n < p_limit OR s.entry_id <= v_max);
  SELECT json_build_object('last_id', h.last_id::text, 'hash', encode(h.hash, 'hex')) INTO v_head FROM ledger_head h;
  SELECT count(*) INTO v_total FROM ledger;
  RETURN json_build_object('entries', v_entries, 'signatures', v_sigs, 'head', v_head, 'total', v_total);
END
$$;

-- Hand the ledger over to ledger_owner. The previous owner (the migration user) keeps only what push_operations, which
-- it owns and which runs as it, needs: read and append entries, lock and move the head.
ALTER TABLE ledger OWNER TO ledger_owner;
ALTER TABLE ledger_head OWNER TO ledger_owner;
ALTER TABLE ledger_signatures OWNER TO ledger_owner;
ALTER FUNCTION ledger_canonical(ledger) OWNER TO ledger_owner;
ALTER FUNCTION ledger_before_insert() OWNER TO ledger_owner;
ALTER FUNCTION ledger_after_commit_head() OWNER TO ledger_owner;
ALTER FUNCTION ledger_refuse_change() OWNER TO ledger_owner;
ALTER FUNCTION ledger_signature_check() OWNER TO ledger_owner;
ALTER FUNCTION ledger_may_audit() OWNER TO ledger_owner;
ALTER FUNCTION ledger_verify() OWNER TO ledger_owner;
ALTER FUNCTION ledger_page(bigint, int) OWNER TO ledger_owner;

DO $grants$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT ON ledger TO %I', current_user);
  EXECUTE format('GRANT SELECT, UPDATE ON ledger_head TO %I', current_user);
  EXECUTE format('GRANT SELECT, INSERT ON ledger_signatures TO %I', current_user);
  -- the owner too may not rewrite its tables (only a superuser ignores privileges; the triggers refuse it as well)
  REVOKE UPDATE, DELETE, TRUNCATE ON ledger FROM ledger_owner;
  REVOKE DELETE, TRUNCATE ON ledger_head FROM ledger_owner;
  REVOKE UPDATE, DELETE, TRUNCATE ON ledger_signatures FROM ledger_owner;
END
$grants$;

-- Signatures: the signer (service_role: the job worker; or an admin's login) inserts; whoever reads the ledger reads them.
REVOKE ALL ON ledger_signatures FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT ON ledger_signatures TO service_role;
GRANT SELECT ON ledger_signatures TO authenticated;
ALTER TABLE ledger_signatures ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS ledger_signatures_read ON ledger_signatures;
CREATE POLICY ledger_signatures_read ON ledger_signatures FOR SELECT TO authenticated
  USING ((SELECT app_role()) IN ('operator', 'admin', 'finance', 'analyst'));

REVOKE ALL ON FUNCTION ledger_signature_check() FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON FUNCTION ledger_verify() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION ledger_verify() TO authenticated, service_role;
REVOKE ALL ON FUNCTION ledger_page(bigint, int) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION ledger_page(bigint, int) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION ledger_may_audit() TO PUBLIC;

INSERT INTO public.schema_version (version) VALUES ('20261208000200_ledger_owner_signatures') ON CONFLICT DO NOTHING;
