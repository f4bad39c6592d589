-- Wingtel central backend, migration 3: the change log, its triggers, retention, and sync_pull (docs/SYNC-PROTOCOL.md).
--
-- Every change to a synced table is appended to sync_changes by an AFTER ... FOR EACH ROW trigger, stamped with the
-- writing transaction's xid8. A pull reads
-- only xid < pg_snapshot_xmin(pg_current_snapshot()) (every such transaction has finished), ordered by (xid, seq): a
-- transaction that commits late holds the cursor back, it is never skipped. The log stores row images; deletes are
-- tombstones.

-- The protocol-level version of the synced table shapes (the `schema_version` of sync_pull replies).
CREATE OR REPLACE FUNCTION sync_schema_version() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;

CREATE TABLE IF NOT EXISTS sync_changes (
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  table_name text NOT NULL,
  op text NOT NULL CHECK (op IN ('upsert', 'delete')),
  pk jsonb NOT NULL,
  "row" jsonb,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (xid, seq)
);

-- Singleton: this database's identity (a cursor from another database, or from before a demo refill, gets reset) and
-- the retention watermark: every log entry <= (pruned_xid, pruned_seq) has been deleted.
CREATE TABLE IF NOT EXISTS sync_meta (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  instance_id uuid NOT NULL DEFAULT gen_random_uuid(),
  pruned_xid xid8 NOT NULL DEFAULT '0'::xid8,
  pruned_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO sync_meta (id) VALUES (true) ON CONFLICT DO NOTHING;

-- The synced tables in bootstrap order with their primary keys (and key types, for keyset paging).
CREATE OR REPLACE FUNCTION sync_tables() RETURNS TABLE (ord integer, table_name text, pk text[], pk_types text[])
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    (1, 'plans', ARRAY['code'], ARRAY['text']),
    (2, 'addons', ARRAY['code'], ARRAY['text']),
    (3, 'accounts', ARRAY['id'], ARRAY['text']),
    (4, 'lines', ARRAY['id'], ARRAY['bigint']),
    (5, 'usage_cycles', ARRAY['line_id', 'cycle_start'], ARRAY['bigint', 'text']),
    (6, 'usage_daily', ARRAY['line_id', 'month'], ARRAY['bigint', 'text']),
    (7, 'invoices', ARRAY['id'], ARRAY['bigint']),
    (8, 'invoice_items', ARRAY['id'], ARRAY['bigint']),
    (9, 'payments', ARRAY['id'], ARRAY['bigint']),
    (10, 'care_interactions', ARRAY['id'], ARRAY['bigint']),
    (11, 'line_events', ARRAY['id'], ARRAY['bigint'])
$$;

-- The JSON image of a row as it travels: column names as in the table, usage_daily.mb as base64 (no line breaks).
-- STABLE like the jsonb builders it uses, so the planner can inline it (an IMMUTABLE SQL function wrapping a STABLE
-- expression is not inlined, and a non-inlined SQL function call costs hundreds of microseconds).
CREATE OR REPLACE FUNCTION sync_image(p_table text, p_row jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN p_table = 'usage_daily' AND jsonb_typeof(p_row -> 'mb') = 'string'
    THEN p_row || jsonb_build_object('mb',
           translate(encode(decode(substr(p_row ->> 'mb', 3), 'hex'), 'base64'), E'\n', ''))
    ELSE p_row END
$$;

-- Log trigger (AFTER ... FOR EACH ROW; TG_ARGV = the primary-key columns). Row-level on purpose: push_operations
-- writes one row per statement, and a row trigger costs a fraction of a statement trigger with transition tables
-- (measured ~4x cheaper per single-row UPDATE). SECURITY DEFINER so a role allowed to write a table (an agent adding a
-- care note) needs no rights on the log. The setting wingtel.sync_log = 'off' skips logging (bulk demo fill of a fresh
-- database; the fill then rotates sync_meta.instance_id so every existing cursor resets); push_operations forces it
-- back on.
CREATE OR REPLACE FUNCTION sync_log_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  j jsonb;
  o jsonb;
  pk jsonb;
BEGIN
  IF current_setting('wingtel.sync_log', true) = 'off' THEN
    RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW END;
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

-- TRUNCATE cannot be logged as tombstones: allowed only with the log off (demo refill), which resets every cursor.
CREATE OR REPLACE FUNCTION sync_log_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('wingtel.sync_log', true) = 'off' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'TRUNCATE of synced table % is not allowed: DELETE the rows (they travel as tombstones)', TG_TABLE_NAME
    USING ERRCODE = 'feature_not_supported';
END
$$;

DO $triggers$
DECLARE
  t record;
  args text;
BEGIN
  FOR t IN SELECT * FROM sync_tables() LOOP
    args := (SELECT string_agg(quote_literal(c), ', ') FROM unnest(t.pk) c);
    EXECUTE format('DROP TRIGGER IF EXISTS sync_log ON %I', t.table_name);
    EXECUTE format('DROP TRIGGER IF EXISTS sync_log_pk ON %I', t.table_name);
    EXECUTE format('DROP TRIGGER IF EXISTS sync_log_trunc ON %I', t.table_name);
    EXECUTE format('CREATE TRIGGER sync_log AFTER INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION sync_log_row(%s)', t.table_name, args);
    -- only when an UPDATE changes the key (column list + WHEN: no call at all otherwise); BEFORE, so the tombstone of
    -- the old key precedes the upsert of the new one in the log
    EXECUTE format('CREATE TRIGGER sync_log_pk BEFORE UPDATE OF %s ON %I FOR EACH ROW WHEN (%s) '
                   'EXECUTE FUNCTION sync_log_row(%s)',
                   (SELECT string_agg(quote_ident(c), ', ') FROM unnest(t.pk) c), t.table_name,
                   (SELECT string_agg(format('OLD.%1$I IS DISTINCT FROM NEW.%1$I', c), ' OR ') FROM unnest(t.pk) c),
                   args);
    EXECUTE format('CREATE TRIGGER sync_log_trunc BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION sync_log_truncate()', t.table_name);
  END LOOP;
END
$triggers$;

-- A new identity for this database's contents: every existing cursor gets `reset` on its next pull. Used after a bulk
-- fill that bypassed the log.
CREATE OR REPLACE FUNCTION sync_rotate_instance() RETURNS uuid
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE sync_meta SET instance_id = gen_random_uuid() RETURNING instance_id
$$;

-- Retention. Deletes log entries that every up-to-date client has long seen: those older than p_keep (by commit-ish
-- time) and/or beyond the newest p_keep_rows entries (when both are given, an entry must qualify for both). Never
-- touches entries at or above the horizon. A cursor older than what was deleted gets `reset: true`.
-- Returns the number of entries deleted.
CREATE OR REPLACE FUNCTION sync_prune(p_keep interval DEFAULT interval '7 days', p_keep_rows bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_h xid8 := pg_snapshot_xmin(pg_current_snapshot());
  m sync_meta;
  ix xid8; iseq bigint; -- cutoff by age
  rx xid8; rseq bigint; -- cutoff by count
  cx xid8; cseq bigint;
  n bigint;
BEGIN
  IF p_keep IS NULL AND p_keep_rows IS NULL THEN
    RAISE EXCEPTION 'sync_prune: give p_keep or p_keep_rows' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO m FROM sync_meta FOR UPDATE;
  IF p_keep IS NOT NULL THEN
    SELECT c.xid, c.seq INTO ix, iseq FROM sync_changes c
    WHERE c.xid < v_h AND c.at < now() - p_keep ORDER BY c.xid DESC, c.seq DESC LIMIT 1;
    IF ix IS NULL THEN RETURN 0; END IF;
  END IF;
  IF p_keep_rows IS NOT NULL THEN
    SELECT c.xid, c.seq INTO rx, rseq FROM sync_changes c
    WHERE c.xid < v_h ORDER BY c.xid DESC, c.seq DESC OFFSET greatest(p_keep_rows, 0) LIMIT 1;
    IF rx IS NULL THEN RETURN 0; END IF;
  END IF;
  IF ix IS NULL OR (rx IS NOT NULL AND (rx, rseq) < (ix, iseq)) THEN
    cx := rx; cseq := rseq;
  ELSE
    cx := ix; cseq := iseq;
  END IF;
  DELETE FROM sync_changes c WHERE (c.xid, c.seq) <= (cx, cseq);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF (cx, cseq) > (m.pruned_xid, m.pruned_seq) THEN
    UPDATE sync_meta SET pruned_xid = cx, pruned_seq = cseq;
  END IF;
  RETURN n;
END
$$;

-- sync_pull: one JSON document per call (see docs/SYNC-PROTOCOL.md). SECURITY INVOKER: the caller's RLS policies
-- decide which tables (snapshot) and which log entries it receives.
--
-- Returns `json` (the same document as jsonb would be; PostgREST, node-postgres and PGlite parse both alike): the page
-- is assembled as JSON text from row_to_json / the stored jsonb images, which is several times cheaper than building
-- a jsonb tree of thousands of rows and serializing it again.
--
-- Cursor (opaque to clients; JSON text):
--   snapshot: {"v":schema,"i":instance,"p":"s","h":H0,"t":table ordinal,"k":last pk|null,"n":rows sent,"e":estimate}
--   log:      {"v":schema,"i":instance,"p":"l","x":xid,"s":seq}   = everything <= (xid, seq) was delivered
DROP FUNCTION IF EXISTS sync_pull(text, integer);
CREATE FUNCTION sync_pull(p_cursor text DEFAULT NULL, p_limit integer DEFAULT 5000) RETURNS json
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  v_h xid8 := pg_snapshot_xmin(pg_current_snapshot()); -- noted first: the horizon of this call
  v_lim integer := least(greatest(coalesce(p_limit, 5000), 1), 10000);
  v_meta sync_meta;
  v_ver integer := sync_schema_version();
  c jsonb;
  v_readable text[] := app_readable_tables();
  v_parts text[] := ARRAY[]::text[];
  v_page text;
  v_last text;
  v_cnt integer;
  v_left integer;
  v_t integer;
  v_k jsonb;
  v_n bigint;
  v_est bigint;
  v_x xid8;
  v_s bigint;
  v_lx xid8;
  v_ls bigint;
  v_more boolean;
  tb record;
  v_cols text;
  v_where text;
  v_row text;
  v_sql text;
BEGIN
  SELECT * INTO v_meta FROM sync_meta;

  IF p_cursor IS NULL OR p_cursor = '' THEN
    -- a bootstrap: note H0, estimate the rows to come
    v_est := 0;
    FOR tb IN SELECT * FROM sync_tables() s WHERE s.table_name = ANY (v_readable) LOOP
      v_n := (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = format('public.%I', tb.table_name)::regclass);
      IF v_n = 0 THEN
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM public.%I LIMIT 10000000) s', tb.table_name) INTO v_n;
      END IF;
      v_est := v_est + v_n;
    END LOOP;
    c := jsonb_build_object('v', v_ver, 'i', v_meta.instance_id, 'p', 's', 'h', v_h::text, 't', 1, 'k', NULL,
                            'n', 0, 'e', v_est);
  ELSE
    BEGIN
      c := p_cursor::jsonb;
    EXCEPTION WHEN others THEN
      RAISE EXCEPTION 'sync_pull: malformed cursor (not one this server issued)' USING ERRCODE = 'invalid_parameter_value';
    END;
    IF jsonb_typeof(c) <> 'object' OR c ->> 'p' IS NULL OR c ->> 'p' NOT IN ('s', 'l') THEN
      RAISE EXCEPTION 'sync_pull: malformed cursor (not one this server issued)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END IF;

  -- another database, a refilled one, another schema version, or older than the retained log: start over
  IF (c ->> 'i') IS DISTINCT FROM v_meta.instance_id::text OR (c ->> 'v') IS DISTINCT FROM v_ver::text THEN
    v_x := NULL;
  ELSIF c ->> 'p' = 's' THEN
    v_x := (c ->> 'h')::xid8; v_s := 0;
  ELSE
    v_x := (c ->> 'x')::xid8; v_s := (c ->> 's')::bigint;
  END IF;
  IF v_x IS NULL OR (v_x, v_s) < (v_meta.pruned_xid, v_meta.pruned_seq) THEN
    RETURN json_build_object('protocol', 1, 'schema_version', v_ver, 'reset', true, 'phase', 'snapshot',
      'changes', '[]'::json, 'cursor', '', 'has_more', true, 'remaining_estimate', 0, 'horizon', v_h::text);
  END IF;

  IF c ->> 'p' = 's' THEN
    -- snapshot phase: page the base tables in order by primary key (keyset), filling the page across tables
    v_t := (c ->> 't')::integer;
    v_k := c -> 'k';
    IF jsonb_typeof(v_k) = 'null' THEN v_k := NULL; END IF;
    v_n := (c ->> 'n')::bigint;
    v_left := v_lim;
    WHILE v_left > 0 AND v_t <= 11 LOOP
      SELECT * INTO tb FROM sync_tables() s WHERE s.ord = v_t;
      IF NOT (tb.table_name = ANY (v_readable)) THEN
        v_t := v_t + 1; v_k := NULL;
        CONTINUE;
      END IF;
      v_cols := (SELECT string_agg(format('r.%I', col), ', ' ORDER BY i) FROM unnest(tb.pk) WITH ORDINALITY u(col, i));
      IF v_k IS NULL THEN
        v_where := '';
      ELSE
        v_where := format('WHERE (%s) > (%s)', v_cols,
          (SELECT string_agg(format('%L::%s', v_k ->> col, tb.pk_types[i]), ', ' ORDER BY i)
             FROM unnest(tb.pk) WITH ORDINALITY u(col, i)));
      END IF;
      -- the row image: row_to_json of the row (usage_daily: mb as base64 without line breaks)
      v_row := CASE WHEN tb.table_name = 'usage_daily'
        THEN 'json_build_object(''line_id'', r.line_id, ''month'', r.month, ''mb'', translate(encode(r.mb, ''base64''), E''\n'', ''''))::text'
        ELSE 'row_to_json(r)::text' END;
      v_sql := format(
        'SELECT string_agg(''{"table":"%s","op":"upsert","pk":'' || p.pk || '',"row":'' || p.img || ''}'', '','' ORDER BY p.ord), '
        '       count(*)::integer, (array_agg(p.pk ORDER BY p.ord DESC))[1] '
        'FROM (SELECT row_number() OVER () AS ord, json_build_object(%s)::text AS pk, %s AS img '
        '      FROM (SELECT * FROM public.%I r %s ORDER BY %s LIMIT %s) r) p',
        tb.table_name,
        (SELECT string_agg(format('%L, r.%I', col, col), ', ') FROM unnest(tb.pk) col),
        v_row, tb.table_name, v_where, v_cols, v_left);
      EXECUTE v_sql INTO v_page, v_cnt, v_last;
      IF v_cnt > 0 THEN v_parts := v_parts || v_page; END IF;
      v_n := v_n + v_cnt;
      IF v_cnt < v_left THEN
        v_t := v_t + 1; v_k := NULL;
      ELSE
        v_k := v_last::jsonb;
      END IF;
      v_left := v_left - v_cnt;
    END LOOP;
    IF v_t > 11 THEN
      -- snapshot done: replay the log from H0 (everything below H0 was visible to every page)
      c := jsonb_build_object('v', v_ver, 'i', v_meta.instance_id, 'p', 'l', 'x', c ->> 'h', 's', 0);
    ELSE
      c := c || jsonb_build_object('t', v_t, 'k', v_k, 'n', v_n);
    END IF;
    RETURN ('{"protocol":1,"schema_version":' || v_ver || ',"reset":false,"phase":"snapshot","changes":['
      || array_to_string(v_parts, ',') || '],"cursor":' || to_json(c::text)::text || ',"has_more":true,'
      || '"remaining_estimate":' || greatest(coalesce((c ->> 'e')::bigint, 0) - v_n, 0) || ',"horizon":"' || v_h::text || '"}')::json;
  END IF;

  -- log phase: entries after the cursor, below the horizon, in (xid, seq) order; row images from the log
  v_x := (c ->> 'x')::xid8;
  v_s := (c ->> 's')::bigint;
  SELECT string_agg(CASE WHEN l.op = 'upsert'
             THEN '{"table":"' || l.table_name || '","op":"upsert","pk":' || l.pk::text || ',"row":' || l."row"::text || '}'
             ELSE '{"table":"' || l.table_name || '","op":"delete","pk":' || l.pk::text || '}' END,
           ',' ORDER BY l.xid, l.seq),
         count(*)::integer,
         (array_agg(l.xid ORDER BY l.xid DESC, l.seq DESC))[1],
         (array_agg(l.seq ORDER BY l.xid DESC, l.seq DESC))[1]
    INTO v_page, v_cnt, v_lx, v_ls
  FROM (SELECT * FROM sync_changes l WHERE (l.xid, l.seq) > (v_x, v_s) AND l.xid < v_h
        ORDER BY l.xid, l.seq LIMIT v_lim) l;

  IF v_cnt < v_lim THEN
    v_more := false;
  ELSE
    v_more := EXISTS (SELECT 1 FROM sync_changes l WHERE (l.xid, l.seq) > (v_lx, v_ls) AND l.xid < v_h);
  END IF;

  IF NOT v_more THEN
    -- everything below the horizon was delivered: the cursor may move up to it
    IF (v_h, 0::bigint) > (v_x, v_s) THEN v_x := v_h; v_s := 0; END IF;
    v_est := 0;
  ELSE
    v_x := v_lx; v_s := v_ls;
    SELECT count(*) INTO v_est FROM (SELECT 1 FROM sync_changes l WHERE (l.xid, l.seq) > (v_x, v_s) AND l.xid < v_h
                                     LIMIT 1000000) s;
  END IF;
  c := jsonb_build_object('v', v_ver, 'i', v_meta.instance_id, 'p', 'l', 'x', v_x::text, 's', v_s);
  RETURN ('{"protocol":1,"schema_version":' || v_ver || ',"reset":false,"phase":"log","changes":['
    || coalesce(v_page, '') || '],"cursor":' || to_json(c::text)::text || ',"has_more":' || v_more::text
    || ',"remaining_estimate":' || v_est || ',"horizon":"' || v_h::text || '"}')::json;
END
$$;

-- Privileges: the log is read through RLS (table_name mapped to the caller's readable tables), written by triggers.
REVOKE ALL ON sync_changes, sync_meta FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON sync_changes, sync_meta TO authenticated, service_role;
ALTER TABLE sync_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS sync_changes_read ON sync_changes;
CREATE POLICY sync_changes_read ON sync_changes FOR SELECT TO authenticated
  USING (table_name = ANY ((SELECT app_readable_tables())::text[]));
DROP POLICY IF EXISTS sync_meta_read ON sync_meta;
CREATE POLICY sync_meta_read ON sync_meta FOR SELECT TO authenticated USING (true);

REVOKE ALL ON FUNCTION sync_pull(text, integer) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION sync_pull(text, integer) TO authenticated, service_role;
REVOKE ALL ON FUNCTION sync_prune(interval, bigint) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION sync_prune(interval, bigint) TO service_role;
REVOKE ALL ON FUNCTION sync_rotate_instance() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION sync_rotate_instance() TO service_role;
REVOKE ALL ON FUNCTION sync_log_row() FROM PUBLIC, anon, authenticated;

INSERT INTO public.schema_version (version) VALUES ('20261122000003_sync_log') ON CONFLICT DO NOTHING;
