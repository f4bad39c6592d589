// Fresh central databases for tests and benches, and the PostgREST way of acting as a signed-in user.
//
// createTestDatabase(): with TEST_DATABASE_URL set, CREATE DATABASE wt_test_<random> on that server (dropped by
// dispose()); otherwise an in-memory PGlite. Migrations are applied either way.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { fromPgClient, fromPglite, type SqlClient } from './client'
import { applyCentralMigrations, knownCentralMigrations } from './migrate'

/**
 * PGlite's initdb is slow (seconds, tens of seconds on a busy machine), so a migrated PGlite data directory is built
 * once, dumped to the OS temp dir (keyed by the migrations' hash) and loaded by every later test database.
 */
export async function migratedPglite(): Promise<PGlite> {
  const hash = createHash('sha256')
  for (const m of knownCentralMigrations()) hash.update(m.version).update(m.sql)
  const file = join(tmpdir(), `wingtel-central-pglite-${hash.digest('hex').slice(0, 16)}.tar.gz`)
  if (existsSync(file)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) })
    } catch {
      // a damaged cache file: rebuild below
    }
  }
  const db = await PGlite.create()
  await applyCentralMigrations(fromPglite(db))
  const dump = await db.dumpDataDir('gzip')
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
  renameSync(tmp, file)
  return db
}

export interface TestDatabase {
  kind: 'pg' | 'pglite'
  /** the superuser/owner connection */
  client: SqlClient
  /** pg only: the URL of the new database */
  url?: string
  /** pg only: another connection to the same database (closed by dispose) */
  connect(): Promise<SqlClient>
  dispose(): Promise<void>
}

export function testDatabaseUrl(): string | undefined {
  const u = process.env.TEST_DATABASE_URL
  return u && u.trim() ? u.trim() : undefined
}

/** A URL naming another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true
  const base = testDatabaseUrl()
  if (!base) {
    const db = migrate ? await migratedPglite() : await PGlite.create()
    const client = fromPglite(db)
    if (migrate) await applyCentralMigrations(client) // no-op unless the template is stale
    return {
      kind: 'pglite',
      client,
      async connect() {
        throw new Error('PGlite has a single connection: this test needs TEST_DATABASE_URL')
      },
      async dispose() {
        await db.close()
      },
    }
  }

  const name = `wt_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = withDatabase(base, name)
  const conns: pg.Client[] = []
  const open = async (): Promise<SqlClient> => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    conns.push(c)
    return fromPgClient(c)
  }
  const client = await open()
  if (migrate) await applyCentralMigrations(client)
  return {
    kind: 'pg',
    client,
    url,
    connect: open,
    async dispose() {
      await Promise.all(conns.map((c) => c.end().catch(() => undefined))) // a connection its test already closed
      const a = new pg.Client({ connectionString: base })
      await a.connect()
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end()
      }
    },
  }
}

export type AppRole = 'operator' | 'analyst' | 'agent' | 'finance' | 'admin'
export type DbRole = AppRole | 'anon' | 'service_role'

/** JWT claims as Supabase Auth issues them for a signed-in workstation user with app_metadata.role. */
export function claimsFor(role: DbRole, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (role === 'anon') return { role: 'anon', iss: 'supabase', ...extra }
  if (role === 'service_role') return { role: 'service_role', iss: 'supabase', ...extra }
  const sub = (extra.sub as string | undefined) ?? randomUUID()
  return {
    aud: 'authenticated',
    role: 'authenticated',
    sub,
    email: `${role}@wingtel.example`,
    app_metadata: { provider: 'email', role },
    user_metadata: {},
    iss: 'supabase',
    ...extra,
  }
}

/**
 * Runs fn in a transaction as PostgREST would for a request with these JWT claims:
 * SET LOCAL ROLE <anon|authenticated|service_role>, request.jwt.claims (the whole claims JSON) and
 * request.jwt.claim.sub, all transaction-local. The transaction commits when fn resolves and rolls back if it throws.
 */
export async function asRole<T>(
  client: SqlClient,
  role: DbRole,
  claims: Record<string, unknown>,
  fn: (tx: SqlClient) => Promise<T>,
): Promise<T> {
  const full = { ...claimsFor(role, claims), ...claims }
  const dbRole = role === 'anon' ? 'anon' : role === 'service_role' ? 'service_role' : 'authenticated'
  return client.transaction(async (tx) => {
    await tx.query(`SELECT set_config('role', $1, true)`, [dbRole])
    await tx.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify(full)])
    await tx.query(`SELECT set_config('request.jwt.claim.sub', $1, true)`, [String(full.sub ?? '')])
    return fn(tx)
  })
}
