// Test support: a fresh central database (the central side's createTestDatabase: its own database on TEST_DATABASE_URL,
// dropped afterwards, else PGlite in memory; migrations applied), with remotes acting under given claims.
import type { SqlClient } from '../../../central/client'
import { createTestDatabase } from '../../../central/test-db'
import type { Claims, Remote } from '../remotes/remote'
import { PgRemote } from '../remotes/pg'
import { SandboxRemote } from '../remotes/sandbox'

export interface TestCentral {
  kind: 'pg' | 'pglite'
  /** set for the real PostgreSQL */
  url: string | null
  client: SqlClient
  /** superuser SQL (bypasses RLS), for seeding and checks */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** a remote acting under these claims */
  remote(claims: Claims, opts?: { pollMs?: number }): Remote
  close(): Promise<void>
}

export async function createTestCentral(): Promise<TestCentral> {
  const t = await createTestDatabase()
  const remotes: Remote[] = []
  return {
    kind: t.kind,
    url: t.url ?? null,
    client: t.client,
    async sql<T>(text: string, params?: unknown[]) {
      if (!params?.length && t.kind === 'pglite' && /;\s*\S/.test(text)) {
        await t.client.exec(text)
        return []
      }
      if (!params?.length && t.kind === 'pg') {
        // simple protocol: several statements allowed, rows of the last one
        return (await t.client.query<T>(text)).rows
      }
      return (await t.client.query<T>(text, params)).rows
    },
    remote(claims, opts = {}) {
      const r: Remote = t.url
        ? new PgRemote(t.url, claims, { pollMs: opts.pollMs ?? 0 })
        : new SandboxRemote(t.client, claims, () => {}, opts.pollMs ?? 0, null, false)
      remotes.push(r)
      return r
    },
    async close() {
      for (const r of remotes) await r.close().catch(() => {}) // a remote its test already closed
      await t.dispose()
    },
  }
}

/** A small believable central fill for tests: `accounts` accounts with `perAccount` lines each, plus a few children. */
export async function seedSmall(c: TestCentral, accounts = 50, perAccount = 2): Promise<void> {
  await c.client.exec(`
    INSERT INTO plans (code, name, kind, monthly_cents, data_mb) VALUES
      ('M-10', 'Mobile 10', 'mobile', 2500, 10240), ('M-UNL', 'Mobile Unlimited', 'mobile', 4500, NULL), ('H-100', 'HomeFi 100', 'homefi', 5000, NULL)
      ON CONFLICT DO NOTHING;
    INSERT INTO addons (code, name, price_cents, recurring, data_mb) VALUES
      ('INTL', 'International', 1000, true, NULL), ('DATA5', '5 GB top-up', 1500, false, 5120) ON CONFLICT DO NOTHING;
    INSERT INTO accounts (id, name, email, street, city, state, zip, type, created_at)
      SELECT format('ACC-%s', lpad(i::text, 6, '0')), format('Customer %s', i), format('c%s@example.com', i), '1 Main St', 'Austin',
             (ARRAY['TX','CA','NY','FL'])[1 + i % 4], lpad((78700 + i)::text, 5, '0'), CASE WHEN i % 5 = 0 THEN 'business' ELSE 'consumer' END, '2025-01-01'
      FROM generate_series(1, ${accounts}) i;
    INSERT INTO lines (id, msisdn, iccid, imei, account_id, plan_code, status, activated_at, cycle_day, cycle_start, data_used_mb, updated_at)
      SELECT a * 100 + l, format('+1512%s', lpad((a * 100 + l)::text, 7, '0')), format('8901%s', a * 100 + l), format('35%s', a * 100 + l),
             format('ACC-%s', lpad(a::text, 6, '0')), CASE WHEN l % 2 = 0 THEN 'M-10' ELSE 'M-UNL' END, 'active', '2025-02-01', 1 + a % 28, '2026-03-01',
             (a * 37 + l * 11) % 9000, '2026-03-01T00:00:00Z'
      FROM generate_series(1, ${accounts}) a, generate_series(1, ${perAccount}) l;
    INSERT INTO usage_daily (line_id, month, mb) SELECT id, '2026-03', decode('01000200', 'hex') FROM lines;
    INSERT INTO care_interactions (account_id, line_id, created_at, channel, category, summary, agent)
      SELECT account_id, id, '2026-03-02T10:00:00Z', 'call', 'billing', 'asked about the bill', 'agent1' FROM lines WHERE id % 3 = 0;
  `)
}
