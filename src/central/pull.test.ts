// sync_pull: bootstrap paging, log replay, out-of-order commits held back by the horizon, tombstones, reset.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqlClient } from './client'
import { applyToReplica, createReplica, pullAs, seedCentral, tableChecksums, type PullPage } from './fixtures'
import { asRole, createTestDatabase, type TestDatabase } from './test-db'

let db: TestDatabase

/** Pulls until caught up (has_more false) AND the horizon has passed `minXid` (other databases on a shared server may
 *  hold the cluster-wide horizon back for a moment). Applies every page to the replica. */
async function pullAll(
  client: SqlClient,
  cursor: string | null,
  opts: { limit?: number; minXid?: bigint; pages?: PullPage[] } = {},
): Promise<string> {
  let c = cursor
  for (let i = 0; i < 100_000; i++) {
    const page = await pullAs(client, 'operator', c, opts.limit ?? 1000)
    expect(page.reset).toBe(false)
    opts.pages?.push(page)
    await applyToReplica(client, page.changes)
    c = page.cursor
    if (!page.has_more && (opts.minXid === undefined || BigInt(page.horizon) > opts.minXid)) return c
    if (!page.has_more) await new Promise((r) => setTimeout(r, 20)) // waiting for the cluster horizon, not for us
  }
  throw new Error('pull never caught up')
}

async function currentXid(client: SqlClient): Promise<bigint> {
  const { rows } = await client.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')
  return BigInt(rows[0].x)
}

describe('sync_pull', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('bootstraps by pages across all tables, then replays the log; the replica equals the server', async () => {
    const c = db.client
    await seedCentral(c, { lines: 300 })
    await createReplica(c)
    const pages: PullPage[] = []
    const t0 = performance.now()
    let cursor = await pullAll(c, null, { limit: 500, pages })
    const ms = performance.now() - t0
    const snap = pages.filter((p) => p.phase === 'snapshot')
    expect(snap.length).toBeGreaterThan(5)
    expect(snap.every((p) => p.changes.length <= 500)).toBe(true)
    expect(pages[0].protocol).toBe(1)
    expect(pages[0].schema_version).toBe(1)
    expect(pages[0].remaining_estimate).toBeGreaterThan(0)
    // tables arrive in bootstrap order
    const order = [...new Set(snap.flatMap((p) => p.changes.map((ch) => ch.table)))]
    expect(order).toEqual(['plans', 'addons', 'accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices',
      'invoice_items', 'payments', 'care_interactions', 'line_events'])
    // lines travel without the account columns; usage_daily.mb as base64
    const aLine = snap.flatMap((p) => p.changes).find((ch) => ch.table === 'lines')!
    expect(aLine.row).not.toHaveProperty('account_name')
    expect(aLine.row).toHaveProperty('row_version')
    const ud = snap.flatMap((p) => p.changes).find((ch) => ch.table === 'usage_daily')!
    expect(ud.row!.mb).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(Buffer.from(ud.row!.mb as string, 'base64').length).toBe(60)
    expect(await tableChecksums(c, 'replica')).toEqual(await tableChecksums(c, 'public'))
    console.log(`bootstrap of ${snap.reduce((s, p) => s + p.changes.length, 0)} rows in ${pages.length} pages: ${ms.toFixed(0)} ms (${db.kind})`)

    // changes after the bootstrap: updates, an insert, a delete (tombstone), through the log
    await c.exec(`
      UPDATE lines SET tags = 'changed' WHERE id <= 10;
      INSERT INTO care_interactions (account_id, line_id, created_at, channel, category, summary, agent)
        VALUES ('ACC-000001', 1, '2026-11-20T09:00:00.000Z', 'chat', 'tech', 'New note', 'agent9');
      DELETE FROM care_interactions WHERE id = 1;
      UPDATE usage_daily SET mb = '\\x0100'::bytea WHERE line_id = 2;
      UPDATE usage_cycles SET cycle_start = '2026-08-01' WHERE line_id = 3 AND cycle_start = '2026-09-01';
    `)
    const minXid = await currentXid(c)
    const logPages: PullPage[] = []
    cursor = await pullAll(c, cursor, { minXid, pages: logPages })
    const changes = logPages.flatMap((p) => p.changes)
    expect(logPages.every((p) => p.phase === 'log')).toBe(true)
    expect(changes.filter((ch) => ch.table === 'lines')).toHaveLength(10)
    expect(changes.filter((ch) => ch.op === 'delete')).toEqual([
      { table: 'care_interactions', op: 'delete', pk: { id: 1 } },
      { table: 'usage_cycles', op: 'delete', pk: { line_id: 3, cycle_start: '2026-09-01' } }, // a changed primary key
    ])
    const moved = changes.findIndex((ch) => ch.table === 'usage_cycles' && ch.op === 'upsert')
    expect(changes[moved].pk).toEqual({ line_id: 3, cycle_start: '2026-08-01' })
    expect(changes[moved - 1].op).toBe('delete') // the old key's tombstone comes first
    expect(await tableChecksums(c, 'replica')).toEqual(await tableChecksums(c, 'public'))
    // nothing new: an empty page, has_more false
    const idle = await pullAs(c, 'operator', cursor)
    expect(idle.changes).toEqual([])
    expect(idle.has_more).toBe(false)
  })

  it('never skips a transaction that commits after a later one (held back by the horizon)', async (ctx) => {
    ctx.skip(db.kind === 'pglite', 'on PGlite: needs two concurrent connections (PGlite has one); runs with TEST_DATABASE_URL')
    const c = db.client
    await seedCentral(c, { lines: 50 })
    await createReplica(c)
    let cursor = await pullAll(c, null)

    const a = await db.connect()
    const b = await db.connect()
    await a.exec('BEGIN')
    await a.query(`UPDATE lines SET tags = 'from-a' WHERE id = 1`) // A gets the earlier xid
    const xa = BigInt((await a.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x)
    await b.exec('BEGIN')
    await b.query(`UPDATE lines SET tags = 'from-b' WHERE id = 2`)
    const xb = BigInt((await b.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x)
    expect(xb).toBeGreaterThan(xa)
    await b.exec('COMMIT') // the later xid commits first

    // B is committed and visible, but A (older) is still running: the horizon is <= xa, so B is held back too
    const visible = await c.query<{ tags: string }>('SELECT tags FROM lines WHERE id = 2')
    expect(visible.rows[0].tags).toBe('from-b') // a naive "changed since" reader would take B now and skip A forever
    const held = await pullAs(c, 'operator', cursor)
    expect(BigInt(held.horizon)).toBeLessThanOrEqual(xa)
    expect(held.changes.filter((ch) => ch.table === 'lines')).toEqual([])
    await applyToReplica(c, held.changes)
    cursor = held.cursor

    await a.exec('COMMIT')
    const pages: PullPage[] = []
    await pullAll(c, cursor, { minXid: xb, pages })
    const lineChanges = pages.flatMap((p) => p.changes).filter((ch) => ch.table === 'lines')
    expect(lineChanges.map((ch) => ch.row!.tags)).toEqual(['from-a', 'from-b']) // (xid, seq) order
    expect(await tableChecksums(c, 'replica')).toEqual(await tableChecksums(c, 'public'))
  })

  it('bootstraps correctly while writers commit out of order during the snapshot', async (ctx) => {
    ctx.skip(db.kind === 'pglite', 'on PGlite: needs concurrent connections; runs with TEST_DATABASE_URL')
    const c = db.client
    await seedCentral(c, { lines: 400 })
    await createReplica(c)
    const a = await db.connect()
    await a.exec('BEGIN')
    await a.query(`UPDATE lines SET tags = 'slow' WHERE id = 400`) // open across the first pages
    const first = await pullAs(c, 'operator', null, 300)
    await applyToReplica(c, first.changes)
    await c.exec(`UPDATE lines SET tags = 'early' WHERE id = 1; DELETE FROM line_events WHERE id = 399`) // behind the pages
    await a.exec('COMMIT')
    const xa = await currentXid(c)
    await pullAll(c, first.cursor, { limit: 300, minXid: xa })
    expect(await tableChecksums(c, 'replica')).toEqual(await tableChecksums(c, 'public'))
  })

  it('answers reset: true to a cursor older than the pruned log, and to a cursor of another database', async () => {
    const c = db.client
    await seedCentral(c, { lines: 20 })
    // stale client: its cursor was taken before these changes
    const stale = (await pullAs(c, 'operator', null, 10_000)).cursor // snapshot cursor noting H0
    const fresh0 = await pullToEnd(c)
    for (let i = 0; i < 5; i++) await c.exec(`UPDATE lines SET tags = 't${i}' WHERE id = ${i + 1}`)
    const minXid = await currentXid(c)
    let fresh = fresh0
    for (let pulls = 0; ; pulls++) {
      if (pulls === MAX_PULLS) throw new Error(`the horizon did not pass xid ${minXid} in ${MAX_PULLS} pulls`)
      const p = await pullAs(c, 'operator', fresh)
      fresh = p.cursor
      if (!p.has_more && BigInt(p.horizon) > minXid) break
    }
    // service_role prunes all but the last 2 entries
    const pruned = await asRole(c, 'service_role', {}, async (tx) =>
      (await tx.query<{ n: string }>('SELECT sync_prune(NULL, 2)::text AS n')).rows[0].n,
    )
    expect(Number(pruned)).toBe(3)
    const r1 = await pullAs(c, 'operator', stale)
    expect(r1).toMatchObject({ reset: true, changes: [], cursor: '' })
    const r2 = await pullAs(c, 'operator', fresh0)
    expect(r2.reset).toBe(true)
    // an up-to-date client is not affected
    const r3 = await pullAs(c, 'operator', fresh)
    expect(r3.reset).toBe(false)
    // a cursor from another database (or before a demo refill) resets too
    await c.query('SELECT sync_rotate_instance()')
    expect((await pullAs(c, 'operator', fresh)).reset).toBe(true)
    // garbage is an error, not a silent reset
    await expect(pullAs(c, 'operator', 'not a cursor')).rejects.toMatchObject({ code: '22023' })
  })

  it('clamps the page size to [1, 10000]', async () => {
    const c = db.client
    await seedCentral(c, { lines: 20 })
    expect((await pullAs(c, 'operator', null, 0)).changes).toHaveLength(1)
    expect((await pullAs(c, 'operator', null, -5)).changes).toHaveLength(1)
    const big = await pullAs(c, 'operator', null, 1_000_000)
    expect(big.changes.length).toBeLessThanOrEqual(10_000)
  })
})

/** Bounds the pull loops: far more pages than these small fills need, so reaching it means has_more never clears. */
const MAX_PULLS = 1000

async function pullToEnd(c: SqlClient): Promise<string> {
  let cursor: string | null = null
  for (let pulls = 0; pulls < MAX_PULLS; pulls++) {
    const p: PullPage = await pullAs(c, 'operator', cursor, 10_000)
    cursor = p.cursor
    if (!p.has_more) return cursor
  }
  throw new Error(`sync_pull still had more after ${MAX_PULLS} pages`)
}
