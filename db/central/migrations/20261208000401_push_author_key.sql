-- Wingtel central backend: idempotency bound to the op's author and to the op itself (issue 11, attack 1).
--
-- Before: push_operations deduplicated on (client_id, op_id), both chosen by the client, and answered a replay with
-- the stored result as `duplicate` whatever the replayed op was. Another operator who pushed with my client id and my
-- next op id pre-empted my op; a copied workspace's op with a recycled op id was answered with the other copy's result.
-- Now:
--   * the key is (author, client_id, op_id); the author is app_actor_id() (migration 20261208000400): the JWT's sub
--     on Supabase, the person's user id for a personal Postgres login. Someone else's op lives under their own key
--     and can never answer mine.
--   * every op has a fingerprint, push_op_fingerprint(op) = hex sha256 of the op's canonical text (below; the
--     workstation computes the same, src/core/sync/push/fingerprint.ts; docs/SYNC-PROTOCOL.md documents the form).
--     A replay whose fingerprint equals the stored one is `duplicate` (with the stored `fingerprint`, which the
--     workstation compares with its own before taking the result); a different op under a used key is `rejected`:
--     "this op id was already used for a different operation". Every result carries `fingerprint`.
--   * rows written before this migration (no author, no fingerprint) still answer replays of the same actor
--     (e-mail or sub, as recorded) as before, so an op pushed just before the upgrade is not applied twice.
--
-- Canonical text of a JSON value (push_canonical_json): no whitespace; object keys sorted by their UTF-8 bytes; strings
-- as PostgreSQL's JSON escaping writes them (", \, \b \f \n \r \t, other controls as \u00xx, the rest verbatim, which
-- is what JSON.stringify writes too); numbers as PostgreSQL's numeric text (integers as their digits); true, false,
-- null. The op's canonical text is that of the object
--   {"action", "base_version", "batch_id", "line_id", "params", "sentence"}
-- with each value as the op carries it (an absent one is null).

ALTER TABLE applied_ops ADD COLUMN IF NOT EXISTS user_id text NOT NULL DEFAULT '';
ALTER TABLE applied_ops ADD COLUMN IF NOT EXISTS fingerprint text;
DO $key$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'applied_ops_author_key') THEN
    ALTER TABLE applied_ops DROP CONSTRAINT IF EXISTS applied_ops_pkey;
    ALTER TABLE applied_ops ADD CONSTRAINT applied_ops_author_key PRIMARY KEY (user_id, client_id, op_id);
  END IF;
END
$key$;
-- the legacy match (user_id '', by client_id and op_id)
CREATE INDEX IF NOT EXISTS applied_ops_client_op ON applied_ops (client_id, op_id);
-- The ledger's safety net against applying one op twice was UNIQUE (client_id, op_id): with the author in the key,
-- two people's ops may share a client id and an op id. It becomes unique per actor (the index also serves lookups by
-- client_id and op_id). The ledger's contents and its hash chain are unchanged.
ALTER TABLE ledger DROP CONSTRAINT IF EXISTS ledger_client_op;
CREATE UNIQUE INDEX IF NOT EXISTS ledger_client_op_actor ON ledger (client_id, op_id, actor);

CREATE OR REPLACE FUNCTION push_canonical_json(v jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  out text;
BEGIN
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      SELECT '{' || coalesce(string_agg(to_json(k)::text || ':' || public.push_canonical_json(v -> k), ','
                                        ORDER BY convert_to(k, 'UTF8')), '') || '}'
      INTO out FROM jsonb_object_keys(v) k;
    WHEN 'array' THEN
      SELECT '[' || coalesce(string_agg(public.push_canonical_json(e), ',' ORDER BY i), '') || ']'
      INTO out FROM jsonb_array_elements(v) WITH ORDINALITY a(e, i);
    ELSE
      out := coalesce(v::text, 'null');
  END CASE;
  RETURN out;
END
$$;

CREATE OR REPLACE FUNCTION push_op_fingerprint(p_op jsonb) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT encode(sha256(convert_to(public.push_canonical_json(jsonb_build_object(
    'action', p_op -> 'action', 'base_version', p_op -> 'base_version', 'batch_id', p_op -> 'batch_id',
    'line_id', p_op -> 'line_id', 'params', p_op -> 'params', 'sentence', p_op -> 'sentence')), 'UTF8')), 'hex')
$$;

-- push_operations (migration 8) with the author key and the fingerprint; everything else is unchanged.
CREATE OR REPLACE FUNCTION push_operations(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_role text := app_role();
  v_actor text := app_actor();
  v_user text := app_actor_id();
  v_client text;
  v_ops jsonb;
  v_n integer;
  v_bad bigint;
  v_op jsonb;
  v_op_id bigint;
  v_prev jsonb;
  v_res jsonb;
  v_now text;
  v_results jsonb[] := ARRAY[]::jsonb[];
  v_fresh boolean[] := ARRAY[]::boolean[];
  v_done jsonb;
  v_repeat jsonb;
  v_each boolean := false;
  v_fp text;
  v_fps text[] := ARRAY[]::text[];
BEGIN
  IF v_role IS NULL OR v_role NOT IN ('operator', 'admin') THEN
    RAISE EXCEPTION 'push_operations: role % may not execute operations (operator or admin only)',
      coalesce(v_role, '(none)') USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_batch IS NULL OR jsonb_typeof(p_batch) <> 'object' THEN
    RAISE EXCEPTION 'push_operations: the batch must be a JSON object {"client_id": "...", "ops": [...]}'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF jsonb_typeof(p_batch -> 'client_id') IS DISTINCT FROM 'string' OR btrim(p_batch ->> 'client_id') = '' THEN
    RAISE EXCEPTION 'push_operations: batch.client_id must be a non-empty string' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF jsonb_typeof(p_batch -> 'ops') IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'push_operations: batch.ops must be an array' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  v_client := p_batch ->> 'client_id';
  v_ops := p_batch -> 'ops';
  v_n := jsonb_array_length(v_ops);
  IF v_n > 10000 THEN
    RAISE EXCEPTION 'push_operations: at most 10000 ops per batch (got %)', v_n USING ERRCODE = 'program_limit_exceeded';
  END IF;
  -- every op must carry an integer op_id: its result (and its idempotency key) hangs on it
  SELECT e.i - 1 INTO v_bad FROM jsonb_array_elements(v_ops) WITH ORDINALITY e(op, i)
  WHERE jsonb_typeof(e.op) IS DISTINCT FROM 'object' OR NOT coalesce(jsonb_is_int(e.op -> 'op_id'), false)
  ORDER BY e.i LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'push_operations: batch.ops[%] must be an object with an integer op_id', v_bad
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- the ops of this call are logged whatever the session says
  PERFORM set_config('wingtel.sync_log', 'on', true);
  -- serialize with every other pusher before touching any line (ledger chain head; see migration 4); the ledger
  -- triggers know by wingtel.ledger_tx that this transaction holds the lock and will write the head itself
  PERFORM 1 FROM ledger_head FOR UPDATE;
  PERFORM set_config('wingtel.ledger_tx', pg_current_xact_id()::text, true);
  v_now := app_now();

  -- every op's fingerprint (push_op_fingerprint): a replay must be the same op, not just the same op id
  SELECT coalesce(array_agg(push_op_fingerprint(e.op) ORDER BY e.i), ARRAY[]::text[]) INTO v_fps
  FROM jsonb_array_elements(v_ops) WITH ORDINALITY e(op, i);
  -- ops this author processed before (by an earlier call), keyed (author, client_id, op_id): their original results
  -- and fingerprints, in one index-backed lookup. Rows from before migration 20261208000401 have no author key
  -- (user_id '') and no fingerprint: they match only the same actor (e-mail or sub) as before.
  SELECT coalesce(jsonb_object_agg(x.op_id::text, jsonb_build_object('result', x.result, 'fingerprint', x.fingerprint)),
                  '{}'::jsonb) INTO v_done
  FROM (SELECT DISTINCT ON (a.op_id) a.op_id, a.result, a.fingerprint
        FROM applied_ops a
        WHERE a.client_id = v_client
          AND a.op_id IN (SELECT (e.op ->> 'op_id')::bigint FROM jsonb_array_elements(v_ops) e(op))
          AND (a.user_id = v_user OR (a.user_id = '' AND a.fingerprint IS NULL AND a.actor = v_actor))
        ORDER BY a.op_id, (a.user_id = v_user) DESC) x;
  -- ops repeated inside this batch: the position of their first occurrence
  SELECT coalesce(jsonb_object_agg(x.i::text, x.first), '{}'::jsonb) INTO v_repeat
  FROM (SELECT e.i, min(e.i) OVER (PARTITION BY (e.op ->> 'op_id')::bigint) AS first
        FROM jsonb_array_elements(v_ops) WITH ORDINALITY e(op, i)) x
  WHERE x.first <> x.i;

  -- The ops, in order. Fast pass: all of them in ONE subtransaction (business failures write nothing, so they need no
  -- rollback). Only if an op fails unexpectedly does that pass roll back entirely and the batch run again with each op
  -- in its own subtransaction, where the failing op alone is rolled back and comes back `rejected` (the results are
  -- the same either way). A subtransaction per op cost ~5% and, past 64 per transaction, slows every concurrent
  -- reader's visibility checks (suboverflowed snapshots).
  LOOP
    BEGIN
      v_results := ARRAY[]::jsonb[];
      v_fresh := ARRAY[]::boolean[];
      FOR i IN 1 .. v_n LOOP
        v_op := v_ops -> (i - 1);
        v_op_id := (v_op ->> 'op_id')::bigint;
        v_fp := v_fps[i];
        v_prev := coalesce(v_done -> v_op_id::text,
                           jsonb_build_object('result', v_results[(v_repeat ->> i::text)::integer],
                                              'fingerprint', v_fps[(v_repeat ->> i::text)::integer]));
        IF v_prev ->> 'result' IS NOT NULL THEN
          IF v_prev ->> 'fingerprint' IS NULL OR v_prev ->> 'fingerprint' = v_fp THEN
            v_results[i] := (v_prev -> 'result') || jsonb_build_object('status', 'duplicate',
              'original_status', v_prev -> 'result' ->> 'status', 'fingerprint', v_prev -> 'fingerprint');
          ELSE
            -- the key is taken by another op: never `duplicate` (that would hand this op someone else's result)
            v_results[i] := jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'row_version', NULL,
              'ledger_id', NULL, 'fingerprint', v_fp,
              'reason', 'this op id was already used for a different operation (its fingerprint differs)');
          END IF;
          v_fresh[i] := false;
          CONTINUE;
        END IF;
        IF NOT v_each THEN
          v_res := push_apply_op(v_client, v_op, v_role, v_actor, v_now);
        ELSE
          BEGIN
            v_res := push_apply_op(v_client, v_op, v_role, v_actor, v_now);
          EXCEPTION
            WHEN serialization_failure OR deadlock_detected OR query_canceled OR lock_not_available OR admin_shutdown THEN
              RAISE;
            WHEN OTHERS THEN
              v_res := jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'server error: ' || SQLERRM);
          END;
        END IF;
        v_results[i] := jsonb_build_object('reason', NULL, 'row_version', NULL, 'ledger_id', NULL) || v_res
                        || jsonb_build_object('fingerprint', v_fp);
        v_fresh[i] := true;
      END LOOP;
      EXIT;
    EXCEPTION
      WHEN serialization_failure OR deadlock_detected OR query_canceled OR lock_not_available OR admin_shutdown THEN
        RAISE;
      WHEN OTHERS THEN
        IF v_each THEN RAISE; END IF; -- (not reached: that pass catches per op)
        v_each := true;
    END;
  END LOOP;

  -- the chain head: the last entry (once for the whole batch)
  UPDATE ledger_head h SET last_id = l.id, hash = l.hash
  FROM (SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1) l
  WHERE h.last_id IS DISTINCT FROM l.id;
  PERFORM set_config('wingtel.ledger_tx', '', true);

  -- remember every new outcome (applied, rejected, conflict): a replay gets it back as `duplicate`
  INSERT INTO applied_ops (user_id, client_id, op_id, status, result, actor, fingerprint)
  SELECT v_user, v_client, (r.res ->> 'op_id')::bigint, r.res ->> 'status', r.res, v_actor, r.res ->> 'fingerprint'
  FROM unnest(v_results, v_fresh) AS r(res, fresh)
  WHERE r.fresh;

  RETURN jsonb_build_object('protocol', 1, 'results', coalesce(to_jsonb(v_results), '[]'::jsonb));
END
$$;

GRANT EXECUTE ON FUNCTION push_op_fingerprint(jsonb) TO authenticated, service_role;

INSERT INTO public.schema_version (version) VALUES ('20261208000401_push_author_key') ON CONFLICT DO NOTHING;
