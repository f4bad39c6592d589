// The composition root's stop: whatever the core started (the SQL runner's warm child, a dashboard summaries build
// still running) is gone when core.stop() settles.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoWorkspace } from '../demo'
import { liveEntries } from '../runtime'
import { startCore } from './start'

let dir: string
let dbPath: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wingtel-core-'))
  dbPath = join(dir, 'ws.sqlite')
  await buildDemoWorkspace(dbPath, { lines: 1500, months: 6, seed: 11, asOf: '2026-11-20' })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Whether a process with this pid still exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'
  }
}

describe('startCore / core.stop', () => {
  it('stops the SQL runner children and a running dashboard summaries build: no worker or child process is left', async () => {
    const core = await startCore({ dbPath, noDemo: true })
    const n = (core.ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n
    const r = await core.api.reports.sqlRun({ sql: 'SELECT count(*) FROM lines', maxRows: 10, timeoutMs: 20_000 })
    expect(r.rows).toEqual([[n]])
    // the first view waits for a build in a child process; a change makes it stale, and the next view starts a refresh
    const first = await core.api.reports.subscriberGrowth()
    expect(first.freshness?.stale).toBe(false)
    core.ws.changed(['lines'])
    const second = await core.api.reports.subscriberGrowth()
    expect(second.freshness).toMatchObject({ stale: true, refreshing: true })

    const before = liveEntries()
    expect(before.map((e) => e.name).sort()).toEqual(['dashboards-process', 'sql-process'])
    await core.stop()
    expect(liveEntries()).toEqual([])
    for (const e of before) expect(alive(e.id)).toBe(false)
  })
})
