-- Wingtel central backend: server-side money limits per role (issue 11, attack 5).
--
-- Before: debit_wallet took an account to -$1,000,000 and the server accepted $1,000,000 credits that the console
-- caps at $10,000 (MAX_CREDIT_CENTS, src/shared/command/schema.ts): a client that pushes directly bypassed the cap.
-- Now push_apply_op (migration 7, replaced here; only the wallet actions change) asks push_money_check first:
--   * money_limits(role, ...): the most per credit, the most per debit, the most an author may credit per day (the
--     date of app_now(), summed in money_daily per app_actor_id()), and whether a debit may take a wallet below zero.
--     A role with no row moves no money. Readable by service_role and admins, set only by service_role.
--   * defaults: $10,000 per op (the console's cap) for everyone; $50,000 a day per operator, $100,000 per admin or
--     finance person; only admin and finance may take a wallet below zero. So the console's rollback of a credit the
--     customer already spent comes back `rejected` for an operator ("would take the wallet ... below zero"): an admin
--     pushes it, or the balance is settled otherwise (docs/CONSOLE.md).
--   * reasons name the amounts in dollars, e.g. "a credit of $1,000,000.00 is over the $10,000.00 limit per operation
--     for the operator role".

CREATE TABLE IF NOT EXISTS money_limits (
  role text PRIMARY KEY CHECK (role IN ('operator', 'admin', 'analyst', 'agent', 'finance')),
  max_credit_cents_per_op bigint NOT NULL CHECK (max_credit_cents_per_op >= 0),
  max_debit_cents_per_op bigint NOT NULL CHECK (max_debit_cents_per_op >= 0),
  max_credit_cents_per_day_per_actor bigint NOT NULL CHECK (max_credit_cents_per_day_per_actor >= 0),
  allow_negative_wallet boolean NOT NULL DEFAULT false
);
INSERT INTO money_limits VALUES
  ('operator', 1000000, 1000000, 5000000, false),
  ('admin', 1000000, 1000000, 10000000, true),
  ('finance', 1000000, 1000000, 10000000, true)
ON CONFLICT (role) DO NOTHING;

CREATE TABLE IF NOT EXISTS money_daily (
  user_id text NOT NULL,
  day text NOT NULL,
  credit_cents bigint NOT NULL,
  PRIMARY KEY (user_id, day)
);

CREATE OR REPLACE FUNCTION money_text(p_cents numeric) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN p_cents < 0 THEN '-' ELSE '' END || '$' || to_char(abs(p_cents) / 100.0, 'FM999,999,999,999,990.00')
$$;

-- NULL when the wallet op may go ahead, else the reason it may not. (Runs inside push_operations, which holds the
-- ledger head lock: pushers are serialized, so the day's sum and the balance cannot move under it.)
CREATE OR REPLACE FUNCTION push_money_check(p_action text, p_amount bigint, p_account text, p_role text, p_day text)
RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  l public.money_limits;
  v_today bigint;
  v_wallet bigint;
BEGIN
  SELECT * INTO l FROM public.money_limits WHERE role = p_role;
  IF NOT FOUND THEN
    RETURN format('the %s role may not move money (no money limits are set for it)', coalesce(p_role, '(none)'));
  END IF;
  IF p_action = 'credit_wallet' THEN
    IF p_amount > l.max_credit_cents_per_op THEN
      RETURN format('a credit of %s is over the %s limit per operation for the %s role', public.money_text(p_amount),
                    public.money_text(l.max_credit_cents_per_op), p_role);
    END IF;
    SELECT credit_cents INTO v_today FROM public.money_daily WHERE user_id = public.app_actor_id() AND day = p_day;
    IF coalesce(v_today, 0) + p_amount > l.max_credit_cents_per_day_per_actor THEN
      RETURN format('a credit of %s would pass the %s a %s may credit per day (already credited on %s: %s)',
                    public.money_text(p_amount), public.money_text(l.max_credit_cents_per_day_per_actor), p_role, p_day,
                    public.money_text(coalesce(v_today, 0)));
    END IF;
  ELSE
    IF p_amount > l.max_debit_cents_per_op THEN
      RETURN format('a debit of %s is over the %s limit per operation for the %s role', public.money_text(p_amount),
                    public.money_text(l.max_debit_cents_per_op), p_role);
    END IF;
    IF NOT l.allow_negative_wallet THEN
      SELECT wallet_cents INTO v_wallet FROM public.accounts WHERE id = p_account;
      IF v_wallet - p_amount < 0 THEN
        RETURN format('a debit of %s would take the wallet of account %s below zero (it holds %s); the %s role may not '
                      'leave a negative balance (an admin or finance person may)', public.money_text(p_amount), p_account,
                      public.money_text(v_wallet), p_role);
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END
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
  v_day text := substr(p_now, 1, 10);
BEGIN
  IF v_action IS NULL OR jsonb_typeof(p_op -> 'action') <> 'string' THEN
    RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'reason', 'op has no action');
  END IF;
  IF v_action NOT IN ('change_plan', 'add_addon', 'remove_addon', 'credit_wallet', 'debit_wallet', 'suspend', 'resume',
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
  IF v_line.status = 'disconnected' AND v_action NOT IN ('tag', 'untag', 'send_notification', 'debit_wallet') THEN
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
      ELSE
        v_reason := push_money_check(v_action, (v_params ->> 'amount_cents')::bigint, v_line.account_id, p_role, v_day);
      END IF;
    WHEN 'debit_wallet' THEN
      -- below zero only for a role that money_limits allows it (push_money_check)
      IF NOT coalesce(jsonb_is_int(v_params -> 'amount_cents'), false) OR (v_params ->> 'amount_cents')::numeric <= 0
         OR (v_params ->> 'amount_cents')::numeric > 100000000 THEN
        v_reason := 'debit_wallet needs params.amount_cents, a positive integer (at most 100000000)';
      ELSE
        v_reason := push_money_check(v_action, (v_params ->> 'amount_cents')::bigint, v_line.account_id, p_role, v_day);
      END IF;
    WHEN 'suspend', 'resume' THEN
      IF v_action = 'suspend' AND v_line.status = 'suspended' THEN v_reason := 'line is already suspended';
      ELSIF v_action = 'suspend' AND v_line.status NOT IN ('active', 'hotlined') THEN
        v_reason := format('cannot suspend a %s line', v_line.status);
      ELSIF v_action = 'resume' AND v_line.status <> 'suspended' THEN
        v_reason := format('line is not suspended (it is %s)', v_line.status);
      ELSE
        -- carrier: at most 5 provisioning actions per line per day (index line_events_line: line_id, kind, at)
        SELECT count(*) INTO v_n FROM line_events e
        WHERE e.line_id = v_line_id AND e.kind IN ('activated', 'reactivated', 'suspended', 'resumed', 'disconnected')
          AND left(e.at, 10) = v_day;
        IF v_n >= 5 THEN v_reason := 'carrier allows at most 5 provisioning actions per line per day'; END IF;
      END IF;
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
      -- the author's credits today, for the daily limit (rolled back with the op if anything after fails)
      INSERT INTO money_daily (user_id, day, credit_cents) VALUES (app_actor_id(), v_day, v_amount)
      ON CONFLICT (user_id, day) DO UPDATE SET credit_cents = money_daily.credit_cents + excluded.credit_cents;
      v_kind := 'wallet_credited'; v_detail := format('+%s cents', v_amount);
      v_before := jsonb_build_object('wallet_cents', v_wallet - v_amount);
      v_after := jsonb_build_object('wallet_cents', v_wallet);
    WHEN 'debit_wallet' THEN
      v_amount := (v_params ->> 'amount_cents')::bigint;
      UPDATE accounts SET wallet_cents = wallet_cents - v_amount, row_version = row_version + 1 WHERE id = v_line.account_id
        RETURNING wallet_cents INTO v_wallet;
      IF NOT FOUND THEN
        RETURN jsonb_build_object('op_id', v_op_id, 'status', 'rejected', 'row_version', v_line.row_version,
                                  'reason', format('account %s of line %s does not exist', v_line.account_id, v_line_id));
      END IF;
      v_kind := 'wallet_debited'; v_detail := format('-%s cents', v_amount);
      v_before := jsonb_build_object('wallet_cents', v_wallet + v_amount);
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

REVOKE ALL ON FUNCTION push_apply_op(text, jsonb, text, text, text) FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON FUNCTION push_money_check(text, bigint, text, text, text) FROM PUBLIC, anon, authenticated, service_role;

REVOKE ALL ON money_limits FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON money_limits TO service_role;
GRANT SELECT ON money_limits TO authenticated;
ALTER TABLE money_limits ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS money_limits_admin_read ON money_limits;
CREATE POLICY money_limits_admin_read ON money_limits FOR SELECT TO authenticated USING ((SELECT app_role()) = 'admin');
REVOKE ALL ON money_daily FROM PUBLIC, anon, authenticated;
GRANT SELECT ON money_daily TO service_role;
ALTER TABLE money_daily ENABLE ROW LEVEL SECURITY;

INSERT INTO public.schema_version (version) VALUES ('20261208000402_money_limits') ON CONFLICT DO NOTHING;
