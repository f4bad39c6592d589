// Test support: a fresh central database with db/central's migrations, on the real PostgreSQL when TEST_DATABASE_URL
// is set (its own database, dropped afterwards), else on PGlite in memory. Uses the central side's createTestDatabase
// when it is there; otherwise applies db/central/migrations/*.sql in order itself.
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { Claims, Remote } from './remote'
import { PgRemote } from './remote-pg'
import { SandboxRemote } from './remote-sandbox'

export interface TestCentral {
  kind: 'pg' | 'pglite'
  /** set for the real PostgreSQL */
  url: string | null
  /** superuser SQL (bypasses RLS), for seeding and checks */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** a remote acting under these claims */
  remote(claims: Claims, opts?: { pollMs?: number }): Remote
  close(): Promise<void>
}

export function centralMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const c = join(dir, 'db', 'central', 'migrations')
    if (existsSync(c)) return c
    dir = resolve(dir, '..')
  }
  throw new Error('db/central/migrations not found')
}

export function centralMigrationFiles(): Array<{ name: string; sql: string }> {
  const dir = centralMigrationsDir()
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f, sql: readFileSync(join(dir, f), 'utf8') }))
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? ''

export async function createTestCentral(): Promise<TestCentral> {
  if (TEST_DATABASE_URL) {
    const name = `wt_sync_${randomUUID().replace(/-/g, '').slice(0, 12)}`
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const u = new URL(TEST_DATABASE_URL)
    u.pathname = `/${name}`
    const url = u.toString()
    const pool = new pg.Pool({ connectionString: url, max: 4 })
    pool.on('error', () => {})
    for (const m of centralMigrationFiles()) await pool.query(m.sql)
    const remotes: Remote[] = []
    return {
      kind: 'pg',
      url,
      async sql<T>(text: string, params?: unknown[]) {
        return (await pool.query(text, params as unknown[])).rows as T[]
      },
      remote(claims, opts = {}) {
        const r = new PgRemote(url, claims, { pollMs: opts.pollMs ?? 0 })
        remotes.push(r)
        return r
      },
      async close() {
        for (const r of remotes) await r.close().catch(() => {})
        await pool.end()
        const a = new pg.Client({ connectionString: TEST_DATABASE_URL })
        await a.connect()
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await a.end()
      },
    }
  }
  const db = await PGlite.create()
  for (const m of centralMigrationFiles()) await db.exec(m.sql)
  return {
    kind: 'pglite',
    url: null,
    async sql<T>(text: string, params?: unknown[]) {
      if (!params || params.length === 0) {
        const res = await db.exec(text)
        return (res[res.length - 1]?.rows ?? []) as T[]
      }
      return (await db.query(text, params)).rows as T[]
    },
    remote(claims, opts = {}) {
      return new SandboxRemote(db, claims, () => {}, opts.pollMs ?? 0, false)
    },
    async close() {
      await db.close()
    },
  }
}

/** A small believable central fill for tests: `accounts` accounts with `perAccount` lines each, plus a few children. */
export async function seedSmall(c: TestCentral, accounts = 50, perAccount = 2): Promise<void> {
  await c.sql(`
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
