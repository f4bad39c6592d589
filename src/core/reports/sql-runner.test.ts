import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeSqlRunners, sqlRunnerFor } from './sql-runner'
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
