import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeSqlRunners, SqlRunner, sqlRunnerFor } from './sql-runner'
import { makeTestWorkspace } from './test-workspace'
import { Workspace } from '../store'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 1500 })
  t.ws.db.pragma('wal_checkpoint(TRUNCATE)')
})
afterAll(() => {
  closeSqlRunners()
  t?.dispose()
})

/** File bytes and a content digest of the tables that writing statements below aim at. */
function checksum(): string {
  const h = createHash('sha256').update(readFileSync(t.path))
  for (const table of ['lines', 'accounts', 'meta', 'saved_reports']) {
    h.update(JSON.stringify(t.ws.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw(true).all()))
  }
  return h.digest('hex')
}

const run = (sql: string, opts: Partial<{ maxRows: number; timeoutMs: number; runId: string }> = {}) =>
  sqlRunnerFor(t.path).run(sql, { maxRows: opts.maxRows ?? 10_000, timeoutMs: opts.timeoutMs ?? 20_000, runId: opts.runId })

describe('SQL runner', () => {
  it('runs a select on its own read-only connection and returns columns and rows', async () => {
    const r = await run('SELECT status, count(*) AS n FROM lines GROUP BY status ORDER BY status')
    expect(r.columns.map((c) => c.name)).toEqual(['status', 'n'])
    expect(r.rows).toEqual(t.ws.db.prepare('SELECT status, count(*) AS n FROM lines GROUP BY status ORDER BY status').raw(true).all())
    expect(r.truncated).toBe(false)
  })

  it('caps the rows but reports the true count', async () => {
    const total = (t.ws.db.prepare('SELECT count(*) AS n FROM usage_cycles').get() as { n: number }).n
    const r = await run('SELECT * FROM usage_cycles', { maxRows: 100 })
    expect(r.rows.length).toBe(100)
    expect(r.rowCount).toBe(total)
    expect(r.truncated).toBe(true)
  })

  it.each([
    ['DELETE FROM lines', /Refused/],
    ["UPDATE accounts SET name = 'x'", /Refused/],
    ["INSERT INTO meta (key, value) VALUES ('x', 'y')", /Refused/],
    ['DROP TABLE lines', /Refused/],
    ["WITH x AS (SELECT 1) UPDATE meta SET value = 'z'", /Refused/],
    ['CREATE TABLE evil (a)', /Refused/],
    ["ATTACH DATABASE '/tmp/evil.sqlite' AS evil", /Refused|only SELECT/],
    ["VACUUM INTO '/tmp/evil-copy.sqlite'", /Refused|only SELECT/],
    ['PRAGMA journal_mode = DELETE', /Refused|only schema pragmas/],
    ['PRAGMA writable_schema = 1', /Refused|only schema pragmas/],
    ["SELECT 1; DELETE FROM lines", /more than one/],
    ['SELEKT * FROM lines', /does not parse/],
    ['SELECT * FROM no_such_table', /does not parse/],
  ])('refuses %s with a clear error and leaves the database untouched', async (sql, message) => {
    const before = checksum()
    await expect(run(sql)).rejects.toThrow(message)
    expect(checksum()).toBe(before)
  })

  it('allows schema pragmas', async () => {
    const r = await run("PRAGMA table_info('lines')")
    expect(r.rows.length).toBeGreaterThan(10)
  })

  // The endless statement never finishes on its own: only the time limit can end this test (vitest's own timeout
  // would fail it otherwise), so no duration needs asserting.
  it('stops a runaway query at the time limit, and runs the next one', async () => {
    await expect(run('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', { timeoutMs: 300 })).rejects.toMatchObject({
      message: expect.stringContaining('time limit'),
      details: { reason: 'timeout' },
    })
    const r = await run('SELECT count(*) AS n FROM lines')
    expect(r.rows[0][0]).toBe(1500)
  })

  it('cancels a running query by its run id', async () => {
    const p = run('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c', { runId: 'r1', timeoutMs: 60_000 })
    // the run is registered as soon as it is sent to the child; the cancel kills the child whether or not it has
    // started the statement yet, so the outcome is the same
    expect(sqlRunnerFor(t.path).cancel('r1')).toBe(true)
    await expect(p).rejects.toMatchObject({ details: { reason: 'cancelled' } })
    expect(sqlRunnerFor(t.path).cancel('r1')).toBe(false)
    const r = await run('SELECT count(*) AS n FROM lines')
    expect(r.rows[0][0]).toBe(1500)
  })

  it('the workspace opens normally afterwards', () => {
    const ws = new Workspace({ dbPath: t.path, readonly: true })
    expect((ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(1500)
    ws.close()
  })
})

// Attack 10 of issue 11: no cap on concurrent SQL children, and none on result bytes (one query took 2.6 GB).
describe('SQL runner limits (attack 10)', () => {
  const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c'
  const runners: SqlRunner[] = []
  const runner = (limits: ConstructorParameters<typeof SqlRunner>[1]) => {
    const r = new SqlRunner(t.path, limits)
    runners.push(r)
    return r
  }
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()))
  })

  it('refuses a run over the concurrency cap as busy, and serves again once a slot frees', async () => {
    const r = runner({ concurrency: 2, queueMs: 0, maxResultBytes: 1 << 20 })
    const opts = { maxRows: 10, timeoutMs: 600_000 }
    const a = r.run(RUNAWAY, { ...opts, runId: 'a' })
    const b = r.run(RUNAWAY, { ...opts, runId: 'b' })
    await expect(r.run('SELECT 1', opts)).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'busy' }, message: expect.stringContaining('busy: 2 SQL queries are already running') })
    expect(r.cancel('a')).toBe(true)
    await expect(a).rejects.toMatchObject({ details: { reason: 'cancelled' } })
    expect((await r.run('SELECT 7', opts)).rows).toEqual([[7]])
    r.cancel('b')
    await expect(b).rejects.toMatchObject({ details: { reason: 'cancelled' } })
  })

  it('queues a run over the cap until a slot frees; a queued run can be cancelled', async () => {
    const r = runner({ concurrency: 1, queueMs: 600_000, maxResultBytes: 1 << 20 })
    const opts = { maxRows: 10, timeoutMs: 600_000 }
    const a = r.run(RUNAWAY, { ...opts, runId: 'a' })
    const queued = r.run('SELECT 42', opts)
    const dropped = r.run('SELECT 43', { ...opts, runId: 'c' })
    expect(r.queued).toBe(2)
    expect(r.cancel('c')).toBe(true)
    await expect(dropped).rejects.toMatchObject({ details: { reason: 'cancelled' } })
    expect(r.queued).toBe(1)
    r.cancel('a')
    await expect(a).rejects.toMatchObject({ details: { reason: 'cancelled' } })
    expect((await queued).rows).toEqual([[42]])
  })

  it('stops a huge result at the byte cap with a clear notice; what comes back stays under the cap', { timeout: 60_000 }, async () => {
    const cap = 256 * 1024
    const r = runner({ concurrency: 1, queueMs: 0, maxResultBytes: cap })
    // 200,000 rows of 1 KB each: 200 MB if nothing stopped it
    const res = await r.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000) SELECT x, printf('%01000d', x) AS wide FROM c", {
      maxRows: 100_000,
      timeoutMs: 600_000,
    })
    expect(res).toMatchObject({ truncated: true, truncatedBy: 'bytes', notice: 'result truncated at 256 KiB: narrow the query (fewer columns, a WHERE or a LIMIT)' })
    expect(res.rows.length).toBeGreaterThan(100)
    expect(res.rows.length).toBeLessThan(cap / 1000)
    // the child stopped reading: the count is of the rows it read, not the statement's 200,000
    expect(res.rowCount).toBe(res.rows.length)
    expect(Buffer.byteLength(JSON.stringify(res.rows))).toBeLessThanOrEqual(cap)
  })

  it('cuts a single cell larger than the cap to its start', { timeout: 60_000 }, async () => {
    const r = runner({ concurrency: 1, queueMs: 0, maxResultBytes: 64 * 1024 })
    const res = await r.run("SELECT 1 AS n, printf('%.*c', 5000000, 'x') AS huge", { maxRows: 10, timeoutMs: 600_000 })
    expect(res).toMatchObject({ truncated: true, truncatedBy: 'bytes' })
    expect(res.rows).toHaveLength(1)
    expect(String(res.rows[0][1]).endsWith('…')).toBe(true)
    expect(Buffer.byteLength(JSON.stringify(res.rows))).toBeLessThanOrEqual(64 * 1024)
  })

  it('refuses a time limit past what a timer can hold, instead of stopping after 1 ms', async () => {
    const r = runner({ concurrency: 1, queueMs: 0, maxResultBytes: 1 << 20 })
    await expect(r.run('SELECT 1', { maxRows: 1, timeoutMs: 9_999_999_999 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('the time limit must be a whole number') })
  })
})
