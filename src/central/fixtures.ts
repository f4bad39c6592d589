// Small, deterministic central datasets and a SQL-side replica for the central tests (independent of the demo
// generator, so these tests exercise the server alone).
import { ADDONS, PLANS } from '../shared/domain/catalog'
import { SYNCED_TABLES } from '../shared/sync/protocol'
import { asRole, type DbRole } from './test-db'
import type { SqlClient } from './client'

export const AS_OF = '2026-11-20'

/**
 * Fills the domain tables with `lines` lines (two per account) and a few rows in every other table.
 * With log=false the change log stays empty (as after a demo fill).
 */
export async function seedCentral(client: SqlClient, opts: { lines?: number; log?: boolean } = {}): Promise<void> {
  const n = opts.lines ?? 200
  const log = opts.log ?? false
  await client.transaction(async (tx) => {
    if (!log) await tx.query(`SELECT set_config('wingtel.sync_log', 'off', true)`)
    await tx.query(`INSERT INTO central_meta (key, value) VALUES ('as_of', $1) ON CONFLICT (key) DO UPDATE SET value = $1`, [AS_OF])
    await tx.query(
      `INSERT INTO plans (code, name, kind, monthly_cents, data_mb)
       SELECT code, name, kind, monthly_cents, data_mb FROM jsonb_to_recordset($1::jsonb)
         AS p(code text, name text, kind text, monthly_cents bigint, data_mb bigint)`,
      [JSON.stringify(PLANS.map((p) => ({ code: p.code, name: p.name, kind: p.kind, monthly_cents: p.monthlyCents, data_mb: p.dataMb })))],
    )
    await tx.query(
      `INSERT INTO addons (code, name, price_cents, recurring, data_mb)
       SELECT code, name, price_cents, recurring, data_mb FROM jsonb_to_recordset($1::jsonb)
         AS a(code text, name text, price_cents bigint, recurring boolean, data_mb bigint)`,
      [JSON.stringify(ADDONS.map((a) => ({ code: a.code, name: a.name, price_cents: a.priceCents, recurring: a.recurring, data_mb: a.dataMb })))],
    )
    await tx.query(
      `INSERT INTO accounts (id, name, email, street, city, state, zip, type, wallet_cents, past_due_cents, days_past_due,
                             failed_payments, created_at)
       SELECT 'ACC-' || lpad(i::text, 6, '0'), 'Account ' || i, 'acc' || i || '@example.com', i || ' Main St', 'Austin',
              (ARRAY['TX', 'OK', 'CA', 'NY'])[1 + i % 4], lpad((78700 + i % 100)::text, 5, '0'),
              CASE WHEN i % 5 = 0 THEN 'business' ELSE 'consumer' END, (i % 7) * 100, (i % 3) * 1500, (i % 3) * 9, i % 4,
              '2025-01-01'
       FROM generate_series(1, ($1::int + 1) / 2) i`,
      [n],
    )
    const plans = PLANS.map((p) => p.code)
    await tx.query(
      `INSERT INTO lines (id, msisdn, iccid, imei, account_id, plan_code, addons, status, activated_at, cycle_day,
                          cycle_start, data_used_mb, tags, updated_at)
       SELECT i, '+1512' || lpad(i::text, 7, '0'), '890100' || lpad(i::text, 13, '0'), '35' || lpad(i::text, 13, '0'),
              'ACC-' || lpad(((i + 1) / 2)::text, 6, '0'), ($2::text[])[1 + i % cardinality($2::text[])],
              CASE WHEN i % 6 = 0 THEN 'INTL' ELSE '' END,
              CASE WHEN i % 10 = 0 THEN 'suspended' WHEN i % 97 = 0 THEN 'disconnected' ELSE 'active' END,
              '2025-02-01', 1 + i % 28, '2026-11-01', (i * 37) % 9000, CASE WHEN i % 9 = 0 THEN 'vip' ELSE '' END,
              '2026-11-01T00:00:00.000Z'
       FROM generate_series(1, $1::int) i`,
      [n, plans],
    )
    await tx.query(
      `INSERT INTO usage_cycles (line_id, cycle_start, data_mb, sms, voice_min, plan_code)
       SELECT l.id, m, (l.id * 13) % 5000, l.id % 50, l.id % 300, l.plan_code
       FROM lines l CROSS JOIN unnest(ARRAY['2026-09-01', '2026-10-01']) m`,
    )
    await tx.query(
      `INSERT INTO usage_daily (line_id, month, mb)
       SELECT l.id, m, decode(repeat(lpad(to_hex(l.id % 256), 2, '0') || '00', 30), 'hex')
       FROM lines l CROSS JOIN unnest(ARRAY['2026-10', '2026-11']) m`,
    )
    await tx.query(
      `INSERT INTO invoices (id, account_id, period, issued_at, due_at, subtotal_cents, tax_cents, total_cents, status)
       SELECT row_number() OVER (ORDER BY a.id), a.id, '2026-10', '2026-10-01', '2026-10-21', 2000, 150, 2150,
              CASE WHEN a.past_due_cents > 0 THEN 'past_due' ELSE 'paid' END
       FROM accounts a`,
    )
    await tx.query(
      `INSERT INTO invoice_items (id, invoice_id, line_id, kind, code, description, amount_cents)
       SELECT row_number() OVER (ORDER BY l.id), i.id, l.id, 'plan', l.plan_code, 'Plan ' || l.plan_code, 1000
       FROM lines l JOIN invoices i ON i.account_id = l.account_id`,
    )
    await tx.query(
      `INSERT INTO payments (id, account_id, invoice_id, created_at, amount_cents, status, failure_code, method_token)
       SELECT i.id, i.account_id, i.id, '2026-10-05T10:00:00.000Z', i.total_cents,
              CASE WHEN i.status = 'paid' THEN 'succeeded' ELSE 'failed' END,
              CASE WHEN i.status = 'paid' THEN NULL ELSE '530' END, 'pm_tok_' || i.id
       FROM invoices i`,
    )
    await tx.query(
      `INSERT INTO care_interactions (id, account_id, line_id, created_at, channel, category, summary, agent)
       SELECT row_number() OVER (ORDER BY l.id), l.account_id, l.id, '2026-10-10T12:00:00.000Z', 'call', 'billing',
              'Customer asked about the bill', 'agent1'
       FROM lines l WHERE l.id % 5 = 0`,
    )
    await tx.query(
      `INSERT INTO line_events (id, line_id, at, kind, detail, actor)
       SELECT l.id, l.id, '2025-02-01T00:00:00.000Z', 'activated', '', 'system' FROM lines l`,
    )
    // identity columns continue after the explicit ids
    for (const t of ['invoices', 'invoice_items', 'payments', 'care_interactions', 'line_events']) {
      await tx.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), greatest((SELECT max(id) FROM ${t}), 1))`)
    }
  })
}

/** A pull as the given role (in its own transaction, as one PostgREST request). */
export async function pullAs(client: SqlClient, role: DbRole, cursor: string | null, limit = 1000): Promise<PullPage> {
  return asRole(client, role, {}, async (tx) => {
    const { rows } = await tx.query<{ r: PullPage }>('SELECT sync_pull($1, $2) AS r', [cursor, limit])
    return rows[0].r
  })
}

export interface PullChange {
  table: string
  op: 'upsert' | 'delete'
  pk: Record<string, unknown>
  row?: Record<string, unknown>
}
export interface PullPage {
  protocol: number
  schema_version: number
  reset: boolean
  phase: 'snapshot' | 'log'
  changes: PullChange[]
  cursor: string
  has_more: boolean
  remaining_estimate: number
  horizon: string
}

/** The synced tables in bootstrap order: the protocol's own list. */
export const SYNCED = SYNCED_TABLES

/** Creates schema `replica` with empty copies of the synced tables and a replica.apply(changes jsonb) function. */
export async function createReplica(client: SqlClient): Promise<void> {
  await client.exec(`
    DROP SCHEMA IF EXISTS replica CASCADE;
    CREATE SCHEMA replica;
    ${SYNCED.map((t) => `CREATE TABLE replica.${t} (LIKE public.${t} INCLUDING INDEXES);`).join('\n')}
    CREATE FUNCTION replica.apply(p jsonb) RETURNS integer LANGUAGE plpgsql AS $f$
    DECLARE
      ch jsonb; t record; cond text; r jsonb; n integer := 0;
    BEGIN
      FOR ch IN SELECT value FROM jsonb_array_elements(p) LOOP
        SELECT * INTO t FROM public.sync_tables() s WHERE s.table_name = ch ->> 'table';
        cond := (SELECT string_agg(format('%I = (jsonb_populate_record(NULL::replica.%I, $1)).%I', c, t.table_name, c), ' AND ')
                 FROM unnest(t.pk) c);
        EXECUTE format('DELETE FROM replica.%I WHERE %s', t.table_name, cond) USING ch -> 'pk';
        IF ch ->> 'op' = 'upsert' THEN
          r := ch -> 'row';
          IF t.table_name = 'usage_daily' THEN
            r := r || jsonb_build_object('mb', '\\x' || encode(decode(r ->> 'mb', 'base64'), 'hex'));
          END IF;
          EXECUTE format('INSERT INTO replica.%I SELECT * FROM jsonb_populate_record(NULL::replica.%I, $1)',
                         t.table_name, t.table_name) USING r;
        END IF;
        n := n + 1;
      END LOOP;
      RETURN n;
    END
    $f$;
  `)
}

export async function applyToReplica(client: SqlClient, changes: PullChange[]): Promise<void> {
  await client.query('SELECT replica.apply($1::jsonb)', [JSON.stringify(changes)])
}

/** Whole-table checksums (md5 over every row image in primary-key order), computed in SQL. */
export async function tableChecksums(client: SqlClient, schema: 'public' | 'replica'): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of SYNCED) {
    const { rows } = await client.query<{ pk: string[] }>(`SELECT pk FROM sync_tables() WHERE table_name = $1`, [t])
    const order = rows[0].pk.map((c) => `t.${c}`).join(', ')
    const r = await client.query<{ sum: string; n: number }>(
      `SELECT md5(coalesce(string_agg(to_jsonb(t)::text, '|' ORDER BY ${order}), '')) AS sum, count(*)::int AS n
       FROM ${schema}.${t} t`,
    )
    out[t] = `${r.rows[0].n}:${r.rows[0].sum}`
  }
  return out
}
