// Attack 10 of issue 11: `sql --timeout-ms 9999999999` overflowed setTimeout (over 2^31−1 ms it fires after 1 ms) and
// killed every query at once. The flag is now checked: 1 ms to 24 h, with a clear error otherwise.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { cli } from './testing'

const dir = mkdtempSync(join(tmpdir(), 'wt-cli-sql-'))
const db = join(dir, 'ws.sqlite')
new Database(db).exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)').close()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sql --timeout-ms (attack 10)', () => {
  it('refuses 9999999999 ms with a clear error instead of stopping the query after 1 ms', async () => {
    const r = await cli(['sql', 'SELECT count(*) AS n FROM t', '--timeout-ms', '9999999999', '--json', '--db', db])
    expect(r.code).toBe(1)
    expect(r.json).toMatchObject({ ok: false, code: 'BAD_INPUT', error: '--timeout-ms must be a whole number from 1 to 86400000 ms (24 h) (got 9999999999)' })
  })

  it.each(['0', '-5', '1.5', 'soon'])('refuses --timeout-ms %s', async (v) => {
    const r = await cli(['sql', 'SELECT 1', '--timeout-ms', v, '--json', '--db', db])
    expect(r).toMatchObject({ code: 1, json: { ok: false } })
    expect((r.json as { error: string }).error).toContain('--timeout-ms must be')
  })

  it('runs with the longest limit, 24 h', { timeout: 60_000 }, async () => {
    const r = await cli(['sql', 'SELECT count(*) AS n FROM t', '--timeout-ms', '86400000', '--json', '--db', db])
    expect(r).toMatchObject({ code: 0, json: { ok: true, rows: [{ n: 2 }] } })
  })
})
