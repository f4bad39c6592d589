-- Wingtel central backend, migration 5: push_operations (docs/SYNC-PROTOCOL.md) and its idempotency table.
--
-- One call = one batch = one transaction. The call first takes the ledger head lock (so pushers serialize: the chain
-- cannot fork and two pushers cannot deadlock on lines), then processes the ops in order. Each op runs in its own
-- subtransaction (a BEGIN ... EXCEPTION block): the line update, the account update, the line_events row and the ledger
-- entry commit or vanish together. Business failures are detected before anything is written and come back `rejected`;
-- an unexpected error inside one op rolls back that op only and comes back `rejected` with the server's message.
-- Transient errors (serialization failure, deadlock, cancel) abort the whole call so the client retries it.

CREATE TABLE IF NOT EXISTS applied_ops (
  client_id text NOT NULL,
  op_id bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'rejected', 'conflict')),
  result jsonb NOT NULL, -- the original result, returned (as `duplicate`) on a replay
  actor text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, op_id)
);

-- A sorted, comma-separated set (lines.addons, lines.tags) with one element added or removed. Byte order (COLLATE "C"),
-- as JavaScript sorts. The input is kept sorted by every writer, so adding is an insertion.
CREATE OR REPLACE FUNCTION csv_set_add(p_set text, p_item text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  a text[];
BEGIN
  IF p_set IS NULL OR p_set = '' THEN RETURN p_item; END IF;
  a := string_to_array(p_set, ',');
  IF p_item = ANY (a) THEN RETURN p_set; END IF;
  FOR i IN 1 .. cardinality(a) LOOP
    IF a[i] COLLATE "C" > p_item COLLATE "C" THEN
      RETURN array_to_string(a[1:i - 1] || p_item || a[i:], ',');
    END IF;
  END LOOP;
  RETURN p_set || ',' || p_item;
END
$$;
CREATE OR REPLACE FUNCTION csv_set_remove(p_set text, p_item text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT array_to_string(array_remove(string_to_array(p_set, ','), p_item), ',')
$$;
CREATE OR REPLACE FUNCTION csv_set_has(p_set text, p_item text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT p_item = ANY (string_to_array(p_set, ','))
$$;

CREATE OR REPLACE FUNCTION jsonb_is_int(v jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_typeof(v) = 'number' AND (v #>> '{}')::numeric = trunc((v #>> '{}')::numeric)
         AND abs((v #>> '{}')::numeric) < 9223372036854775807
$$;

-- One op, already known not to be a duplicate. Returns its result. Business checks return before any write.
-- (No SET search_path of its own: it runs inside push_operations, which sets it; a SET clause per call costs.)
CREATE OR REPLACE FUNCTION push_apply_op(p_client text, p_op jsonb, p_role text, p_actor text, p_now text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_op_id bigint := (p_op ->> 'op_id')::bigint;
  v_action text := p_op ->> 'action';
  v_params jsonb := coalesce(p_op -> 'params', '{}'::jsonb);
  v_batch text := p_op ->> 'batch_id';
  v_line lines;
  v_line_id bigint;
  v_base bigint;
  v_ver bigint;
  v_plan plans;
  v_addon addons;
  v_code text;
  v_n integer;
  v_amount bigint;
  v_wallet bigint;
  v_kind text;
  v_detail text := '';
  v_reason text;
  v_set text;
  v_before jsonb;
  v_after jsonb;
  v_ledger bigint;
  v_month text := substr(p_now, 1, 7);
BEGIN
  IF v_action IS NULL OR jsonb_typeof(p_op -> 'action') <> 'string' THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'op has no action');
  END IF;
  IF v_action NOT IN ('change_plan', 'add_addon', 'remove_addon', 'credit_wallet', 'suspend', 'resume',
                      'send_notification', 'tag', 'untag') THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', format('unknown action %s', v_action));
  END IF;
  IF jsonb_typeof(v_params) <> 'object' THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'params must be a JSON object');
  END IF;
  IF NOT coalesce(jsonb_is_int(p_op -> 'line_id'), false) THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'line_id must be an integer');
  END IF;
  IF NOT coalesce(jsonb_is_int(p_op -> 'base_version'), false) THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected',
                              'reason', 'base_version (the row_version the preview saw) must be an integer');
  END IF;
  v_line_id := (p_op ->> 'line_id')::bigint;
  v_base := (p_op ->> 'base_version')::bigint;

  SELECT * INTO v_line FROM lines WHERE id = v_line_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', format('unknown line %s', v_line_id));
  END IF;
  IF v_line.row_version <> v_base THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'conflict', 'row_version', v_line.row_version,
      'reason', format('line %s is at version %s; the op was previewed against version %s', v_line_id,
                       v_line.row_version, v_base));
  END IF;
  IF v_line.status = 'disconnected' AND v_action NOT IN ('tag', 'untag', 'send_notification') THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'row_version', v_line.row_version,
                              'reason', 'line is disconnected');
  END IF;

  -- business checks (no writes yet)
  CASE v_action
    WHEN 'change_plan' THEN
      v_code := v_params ->> 'plan';
      SELECT * INTO v_plan FROM plans WHERE code = v_code;
      IF v_code IS NULL THEN v_reason := 'change_plan needs params.plan';
      ELSIF NOT FOUND THEN v_reason := format('unknown plan %s', v_code);
      ELSIF v_line.status = 'suspended' THEN v_reason := 'carrier allows no plan change while the line is suspended';
      ELSIF v_line.plan_code = v_code THEN v_reason := format('line is already on plan %s', v_code);
      ELSE
        SELECT count(*) INTO v_n FROM line_events e
        WHERE e.line_id = v_line_id AND e.kind = 'plan_changed' AND left(e.at, 7) = v_month;
        IF v_n >= 4 THEN v_reason := 'carrier allows at most 4 plan changes per month'; END IF;
      END IF;
    WHEN 'add_addon', 'remove_addon' THEN
      v_code := v_params ->> 'addon';
      SELECT * INTO v_addon FROM addons WHERE code = v_code;
      IF v_code IS NULL THEN v_reason := format('%s needs params.addon', v_action);
      ELSIF NOT FOUND THEN v_reason := format('unknown add-on %s', v_code);
      ELSIF v_action = 'add_addon' AND v_addon.recurring AND csv_set_has(v_line.addons, v_code) THEN
        v_reason := format('line already has add-on %s', v_code);
      ELSIF v_action = 'remove_addon' AND NOT csv_set_has(v_line.addons, v_code) THEN
        v_reason := format('line does not have add-on %s', v_code);
      END IF;
    WHEN 'credit_wallet' THEN
      IF NOT coalesce(jsonb_is_int(v_params -> 'amount_cents'), false) OR (v_params ->> 'amount_cents')::numeric <= 0
         OR (v_params ->> 'amount_cents')::numeric > 100000000 THEN
        v_reason := 'credit_wallet needs params.amount_cents, a positive integer (at most 100000000)';
      END IF;
    WHEN 'suspend' THEN
      IF v_line.status = 'suspended' THEN v_reason := 'line is already suspended';
      ELSIF v_line.status NOT IN ('active', 'hotlined') THEN v_reason := format('cannot suspend a %s line', v_line.status);
      END IF;
    WHEN 'resume' THEN
      IF v_line.status <> 'suspended' THEN v_reason := format('line is not suspended (it is %s)', v_line.status); END IF;
    WHEN 'send_notification' THEN
      IF coalesce(v_params ->> 'channel', '') NOT IN ('sms', 'email') THEN
        v_reason := 'send_notification needs params.channel sms or email';
      ELSIF jsonb_typeof(v_params -> 'message') IS DISTINCT FROM 'string' OR btrim(v_params ->> 'message') = '' THEN
        v_reason := 'send_notification needs a params.message';
      END IF;
    WHEN 'tag', 'untag' THEN
      v_code := v_params ->> 'tag';
      IF v_code IS NULL OR v_code !~ '^[a-z0-9][a-z0-9_-]*$' THEN
        v_reason := format('%s needs params.tag: lower-case, no spaces (e.g. follow-up)', v_action);
      ELSIF v_action = 'tag' AND csv_set_has(v_line.tags, v_code) THEN v_reason := format('line already has tag %s', v_code);
      ELSIF v_action = 'untag' AND NOT csv_set_has(v_line.tags, v_code) THEN
        v_reason := format('line does not have tag %s', v_code);
      END IF;
  END CASE;
  IF v_reason IS NOT NULL THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', v_reason,
                              'row_version', v_line.row_version);
  END IF;

  -- apply: the line/account change, its line event and its ledger entry, atomically (the caller's subtransaction)
  v_ver := v_line.row_version;
  CASE v_action
    WHEN 'change_plan' THEN
      UPDATE lines SET plan_code = v_code, plan_changes_month = v_n + 1, updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id
        RETURNING row_version INTO v_ver;
      v_kind := 'plan_changed'; v_detail := format('%s → %s', v_line.plan_code, v_code);
      v_before := jsonb_build_object('plan_code', v_line.plan_code);
      v_after := jsonb_build_object('plan_code', v_code);
    WHEN 'add_addon' THEN
      IF v_addon.recurring THEN
        v_set := csv_set_add(v_line.addons, v_code);
        UPDATE lines SET addons = v_set, updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
        v_before := jsonb_build_object('addons', v_line.addons);
        v_after := jsonb_build_object('addons', v_set);
        v_detail := v_code;
      ELSE -- a one-time top-up: data for this cycle
        UPDATE lines SET topup_mb = topup_mb + coalesce(v_addon.data_mb, 0), updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id
          RETURNING row_version INTO v_ver;
        v_before := jsonb_build_object('topup_mb', v_line.topup_mb);
        v_after := jsonb_build_object('topup_mb', v_line.topup_mb + coalesce(v_addon.data_mb, 0));
        v_detail := format('%s (+%s MB)', v_code, coalesce(v_addon.data_mb, 0));
      END IF;
      v_kind := 'addon_added';
    WHEN 'remove_addon' THEN
      v_set := csv_set_remove(v_line.addons, v_code);
      UPDATE lines SET addons = v_set, updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
      v_kind := 'addon_removed'; v_detail := v_code;
      v_before := jsonb_build_object('addons', v_line.addons);
      v_after := jsonb_build_object('addons', v_set);
    WHEN 'credit_wallet' THEN
      v_amount := (v_params ->> 'amount_cents')::bigint;
      UPDATE accounts SET wallet_cents = wallet_cents + v_amount, row_version = row_version + 1 WHERE id = v_line.account_id
        RETURNING wallet_cents INTO v_wallet;
      IF NOT FOUND THEN
        RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'row_version', v_line.row_version,
                                  'reason', format('account %s of line %s does not exist', v_line.account_id, v_line_id));
      END IF;
      v_kind := 'wallet_credited'; v_detail := format('+%s cents', v_amount);
      v_before := jsonb_build_object('wallet_cents', v_wallet - v_amount);
      v_after := jsonb_build_object('wallet_cents', v_wallet);
    WHEN 'suspend' THEN
      UPDATE lines SET status = 'suspended', updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
      v_kind := 'suspended';
      v_before := jsonb_build_object('status', v_line.status);
      v_after := jsonb_build_object('status', 'suspended');
    WHEN 'resume' THEN
      UPDATE lines SET status = 'active', updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
      v_kind := 'resumed';
      v_before := jsonb_build_object('status', v_line.status);
      v_after := jsonb_build_object('status', 'active');
    WHEN 'send_notification' THEN
      v_kind := 'notification_sent';
      v_detail := format('%s: %s', v_params ->> 'channel', v_params ->> 'message');
      v_after := jsonb_build_object('channel', v_params ->> 'channel', 'message', v_params ->> 'message');
    WHEN 'tag' THEN
      v_set := csv_set_add(v_line.tags, v_code);
      UPDATE lines SET tags = v_set, updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
      v_kind := 'tagged'; v_detail := v_code;
      v_before := jsonb_build_object('tags', v_line.tags);
      v_after := jsonb_build_object('tags', v_set);
    WHEN 'untag' THEN
      v_set := csv_set_remove(v_line.tags, v_code);
      UPDATE lines SET tags = v_set, updated_at = p_now, row_version = row_version + 1 WHERE id = v_line_id RETURNING row_version INTO v_ver;
      v_kind := 'untagged'; v_detail := v_code;
      v_before := jsonb_build_object('tags', v_line.tags);
      v_after := jsonb_build_object('tags', v_set);
  END CASE;

  -- the line event and the ledger entry in one statement
  WITH ev AS (
    INSERT INTO line_events (line_id, at, kind, detail, reason, actor, batch_id)
    VALUES (v_line_id, p_now, v_kind, v_detail, v_params ->> 'reason', p_actor, v_batch)
  )
  INSERT INTO ledger (at, client_id, op_id, batch_id, actor, role, action, line_id, account_id, params, before_state,
                      after_state, sentence, prev_hash, hash)
  VALUES (p_now, p_client, v_op_id, v_batch, p_actor, p_role, v_action, v_line_id, v_line.account_id, v_params, v_before,
          v_after, p_op ->> 'sentence', '\x'::bytea, '\x'::bytea) -- id, prev_hash and hash: set by the chain trigger
  RETURNING id INTO v_ledger;

  RETURN jsonb_build_object('op_id', v_op_id, 'status', 'applied', 'reason', NULL, 'row_version', v_ver,
                            'ledger_id', v_ledger);
END
$$;

CREATE OR REPLACE FUNCTION push_operations(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_role text := app_role();
  v_claims jsonb := auth.jwt();
  v_actor text;
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
BEGIN
  IF v_role IS NULL OR v_role NOT IN ('operator', 'admin') THEN
    RAISE EXCEPTION 'push_operations: role % may not execute operations (operator or admin only)',
      coalesce(v_role, '(none)') USING ERRCODE = 'insufficient_privilege';
  END IF;
  v_actor := coalesce(nullif(v_claims ->> 'email', ''), v_claims ->> 'sub', 'unknown');

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

  -- ops processed before (by an earlier call): their original results, in one index-backed lookup
  SELECT coalesce(jsonb_object_agg(a.op_id::text, a.result), '{}'::jsonb) INTO v_done
  FROM applied_ops a
  WHERE a.client_id = v_client
    AND a.op_id IN (SELECT (e.op ->> 'op_id')::bigint FROM jsonb_array_elements(v_ops) e(op));
  -- ops repeated inside this batch: the position of their first occurrence
  SELECT coalesce(jsonb_object_agg(x.i::text, x.first), '{}'::jsonb) INTO v_repeat
  FROM (SELECT e.i, min(e.i) OVER (PARTITION BY (e.op ->> 'op_id')::bigint) AS first
        FROM jsonb_array_elements(v_ops) WITH ORDINALITY e(op, i)) x
  WHERE x.first <> x.i;

  FOR i IN 1 .. v_n LOOP
    v_op := v_ops -> (i - 1);
    v_op_id := (v_op ->> 'op_id')::bigint;
    v_prev := coalesce(v_done -> v_op_id::text, v_results[(v_repeat ->> i::text)::integer]);
    IF v_prev IS NOT NULL THEN
      v_results[i] := v_prev || jsonb_build_object('status', 'duplicate', 'original_status', v_prev ->> 'status');
      v_fresh[i] := false;
      CONTINUE;
    END IF;
    BEGIN
      v_res := push_apply_op(v_client, v_op, v_role, v_actor, v_now);
    EXCEPTION
      WHEN serialization_failure OR deadlock_detected OR query_canceled OR lock_not_available OR admin_shutdown THEN
        RAISE;
      WHEN OTHERS THEN
        v_res := jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'server error: ' || SQLERRM);
    END;
    v_results[i] := jsonb_build_object('reason', NULL, 'row_version', NULL, 'ledger_id', NULL) || v_res;
    v_fresh[i] := true;
  END LOOP;

  -- the chain head: the last entry (once for the whole batch)
  UPDATE ledger_head h SET last_id = l.id, hash = l.hash
  FROM (SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1) l
  WHERE h.last_id IS DISTINCT FROM l.id;
  PERFORM set_config('wingtel.ledger_tx', '', true);

  -- remember every new outcome (applied, rejected, conflict): a replay gets it back as `duplicate`
  INSERT INTO applied_ops (client_id, op_id, status, result, actor)
  SELECT v_client, (r.res ->> 'op_id')::bigint, r.res ->> 'status', r.res, v_actor
  FROM unnest(v_results, v_fresh) AS r(res, fresh)
  WHERE r.fresh;

  RETURN jsonb_build_object('protocol', 1, 'results', coalesce(to_jsonb(v_results), '[]'::jsonb));
END
$$;

REVOKE ALL ON applied_ops FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON applied_ops TO service_role;
ALTER TABLE applied_ops ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON FUNCTION push_apply_op(text, jsonb, text, text, text) FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON FUNCTION push_operations(jsonb) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION push_operations(jsonb) TO authenticated, service_role;

INSERT INTO public.schema_version (version) VALUES ('20261122000005_push') ON CONFLICT DO NOTHING;
