-- Wingtel central backend, migration 9: the bulk snapshot for a workstation's bootstrap (docs/SYNC-PROTOCOL.md,
-- "Bulk bootstrap"). sync_pull's JSON snapshot (one object per row) stays for older clients; a current client asks
-- sync_snapshot_begin() for the horizon H0 and the table list, then copies each table by primary key in a compact form:
-- the direct-Postgres remote with COPY (SELECT ... ORDER BY pk) TO STDOUT under the caller's role and claims, PostgREST
-- and the sandbox with sync_snapshot_chunk() (rows as JSON arrays of values under one column list, keyset paged). Then
-- it replays the log from H0 with sync_pull (begin returns that cursor), exactly like the JSON bootstrap.

-- The bootstrap plan: H0 (noted first), the log cursor to replay from after the copy, and per readable table its
-- primary key, its columns (name + kind: int | bool | bytea | text) and a row estimate (progress only).
-- SECURITY INVOKER: the caller's readable tables only.
CREATE OR REPLACE FUNCTION sync_snapshot_begin() RETURNS json
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  v_h xid8 := pg_snapshot_xmin(pg_current_snapshot()); -- noted first: H0
  v_meta sync_meta;
  v_ver integer := sync_schema_version();
  v_readable text[] := app_readable_tables();
  v_tables json[] := ARRAY[]::json[];
  v_n bigint;
  tb record;
BEGIN
  SELECT * INTO v_meta FROM sync_meta;
  FOR tb IN SELECT * FROM sync_tables() s WHERE s.table_name = ANY (v_readable) ORDER BY s.ord LOOP
    v_n := (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = format('public.%I', tb.table_name)::regclass);
    IF v_n = 0 THEN
      EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM public.%I LIMIT 10000000) s', tb.table_name) INTO v_n;
    END IF;
    v_tables := v_tables || json_build_object(
      'table', tb.table_name,
      'pk', to_json(tb.pk),
      'columns', (SELECT json_agg(json_build_object('name', a.attname,
                          'type', CASE WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN 'int'
                                       WHEN a.atttypid = 'bool'::regtype THEN 'bool'
                                       WHEN a.atttypid = 'bytea'::regtype THEN 'bytea'
                                       ELSE 'text' END) ORDER BY a.attnum)
                  FROM pg_attribute a
                  WHERE a.attrelid = format('public.%I', tb.table_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped),
      'estimate', v_n);
  END LOOP;
  RETURN json_build_object('protocol', 1, 'schema_version', v_ver, 'horizon', v_h::text,
    'log_cursor', jsonb_build_object('v', v_ver, 'i', v_meta.instance_id, 'p', 'l', 'x', v_h::text, 's', 0)::text,
    'tables', array_to_json(v_tables));
END
$$;

-- One keyset page of one table as a compact document:
--   {"protocol":1,"schema_version":1,"table":"lines","columns":["id",...],"rows":[[1,"+1512..."],...],
--    "last":{"id":123}|null,"done":false}
-- p_after: the primary key (an object, as `last`) of the last row already received, or null for the first page.
-- p_limit is clamped to [1, 50000]. `done` is true when the page holds fewer rows than asked (the table is finished).
-- usage_daily.mb travels base64 without line breaks, as in sync_pull. A table the caller may not read is 42501.
CREATE OR REPLACE FUNCTION sync_snapshot_chunk(p_table text, p_after jsonb DEFAULT NULL, p_limit integer DEFAULT 10000)
RETURNS json
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  v_lim integer := least(greatest(coalesce(p_limit, 10000), 1), 50000);
  v_ver integer := sync_schema_version();
  tb record;
  v_cols text;
  v_vals text;
  v_names json;
  v_where text := '';
  v_page text;
  v_cnt integer;
  v_last text;
BEGIN
  SELECT * INTO tb FROM sync_tables() s WHERE s.table_name = p_table;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'sync_snapshot_chunk: unknown table %', p_table USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT (p_table = ANY (app_readable_tables())) THEN
    RAISE EXCEPTION 'sync_snapshot_chunk: % is not readable for this role', p_table USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_after IS NOT NULL AND jsonb_typeof(p_after) <> 'null' THEN
    IF jsonb_typeof(p_after) <> 'object' OR EXISTS (SELECT 1 FROM unnest(tb.pk) col WHERE p_after ->> col IS NULL) THEN
      RAISE EXCEPTION 'sync_snapshot_chunk: malformed p_after (expected the primary key of %)', p_table
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_where := format('WHERE (%s) > (%s)',
      (SELECT string_agg(format('r.%I', col), ', ' ORDER BY i) FROM unnest(tb.pk) WITH ORDINALITY u(col, i)),
      (SELECT string_agg(format('%L::%s', p_after ->> col, tb.pk_types[i]), ', ' ORDER BY i)
         FROM unnest(tb.pk) WITH ORDINALITY u(col, i)));
  END IF;
  SELECT json_agg(a.attname ORDER BY a.attnum),
         string_agg(CASE WHEN a.atttypid = 'bytea'::regtype
                      THEN format('translate(encode(r.%I, ''base64''), E''\n'', '''')', a.attname)
                      ELSE format('r.%I', a.attname) END, ', ' ORDER BY a.attnum)
    INTO v_names, v_vals
  FROM pg_attribute a
  WHERE a.attrelid = format('public.%I', p_table)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
  v_cols := (SELECT string_agg(format('r.%I', col), ', ' ORDER BY i) FROM unnest(tb.pk) WITH ORDINALITY u(col, i));
  EXECUTE format(
    'SELECT string_agg(p.a, '','' ORDER BY p.ord), count(*)::integer, (array_agg(p.pk ORDER BY p.ord DESC))[1] '
    'FROM (SELECT row_number() OVER () AS ord, json_build_array(%s)::text AS a, json_build_object(%s)::text AS pk '
    '      FROM (SELECT * FROM public.%I r %s ORDER BY %s LIMIT %s) r) p',
    v_vals, (SELECT string_agg(format('%L, r.%I', col, col), ', ') FROM unnest(tb.pk) col),
    p_table, v_where, v_cols, v_lim)
    INTO v_page, v_cnt, v_last;
  RETURN ('{"protocol":1,"schema_version":' || v_ver || ',"table":' || to_json(p_table)::text
    || ',"columns":' || v_names::text || ',"rows":[' || coalesce(v_page, '') || '],"last":' || coalesce(v_last, 'null')
    || ',"done":' || (v_cnt < v_lim)::text || '}')::json;
END
$$;

REVOKE ALL ON FUNCTION sync_snapshot_begin() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION sync_snapshot_begin() TO authenticated, service_role;
REVOKE ALL ON FUNCTION sync_snapshot_chunk(text, jsonb, integer) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION sync_snapshot_chunk(text, jsonb, integer) TO authenticated, service_role;

INSERT INTO public.schema_version (version) VALUES ('20261122000009_sync_snapshot') ON CONFLICT DO NOTHING;
