// Live mode as the app runs it: the service starts the worker, pulls, then pulls on every poke (LISTEN; the central side
// NOTIFYs by itself, migration 8) and pushes as soon as the console announces queued ops. No polling (pollMs 0): a
// change shows up only because the server poked. Waits on app events, never on time. Needs two connections to the
// server (a writer beside the worker), so it runs on the real PostgreSQL only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/events'
import { Workspace } from '../workspace/workspace'
import { claimsFor } from './remote'
import { SyncService } from './service'
import { createTestCentral, seedSmall, type TestCentral } from './test-central'
import { insertLocalOps } from './test-checksums'

const usePg = Boolean(process.env.TEST_DATABASE_URL)
let c: TestCentral
let dir: string
let ws: Workspace
let svc: SyncService

function waitFor(pred: (e: AppEvent) => boolean): Promise<AppEvent> {
  return new Promise((resolve) => {
    const off = ws.events.on((e) => {
      if (pred(e)) {
        off()
        resolve(e)
      }
    })
  })
}

beforeAll(async () => {
  if (!usePg) return
  c = await createTestCentral()
  await seedSmall(c, 30, 2)
  dir = mkdtempSync(join(tmpdir(), 'wt-live-'))
  ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
  svc = new SyncService(ws, { live: true, remoteOverride: { kind: 'postgres', url: c.url!, claims: claimsFor('operator'), pollMs: 0 } })
}, 120_000)

afterAll(async () => {
  if (!usePg) return
  await svc.close()
  ws.close()
  await c.close()
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!usePg)('live sync (PostgreSQL)', () => {
  // no poll: on a shared server another session's long transaction can hold the horizon back past the poke; the
  // engine pulls again until the horizon passes the poked xid
  it('start() bootstraps; a server change shows up by the central poke alone; queued ops are pushed without asking', { timeout: 180_000 }, async () => {
    const upToDate = waitFor((e) => e.type === 'sync-status' && e.status.activity === 'idle' && e.status.dataAsOf !== null)
    svc.start()
    await upToDate
    expect((ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n).toBe(60)

    // a plain change on the server, nobody NOTIFYs by hand: the central side pokes
    const seen = waitFor(() => (ws.db.prepare('SELECT data_used_mb AS v FROM lines WHERE id = 101').get() as { v: number }).v === 4242)
    await c.sql(`UPDATE lines SET data_used_mb = 4242 WHERE id = 101`)
    await seen
    // and again, twice in one transaction (one poke)
    const seen2 = waitFor(() => (ws.db.prepare('SELECT count(*) AS n FROM lines WHERE id IN (301, 302) AND data_used_mb = 4343').get() as { n: number }).n === 2)
    await c.sql(`BEGIN; UPDATE lines SET data_used_mb = 4343 WHERE id = 301; UPDATE lines SET data_used_mb = 4343 WHERE id = 302; COMMIT;`)
    await seen2

    // the console queues two ops and announces them: they are pushed and the pull brings their effect back
    insertLocalOps(ws.db, [
      { line: 102, action: 'suspend', params: { reason: 'test' } },
      { line: 201, action: 'tag', params: { tag: 'live' } },
    ])
    const pushed = waitFor((e) => e.type === 'sync-status' && e.status.pending === 0 && e.status.activity === 'idle')
    ws.changed(['operations'])
    await pushed
    expect(ws.db.prepare('SELECT status FROM operations ORDER BY seq').all()).toEqual([{ status: 'applied' }, { status: 'applied' }])
  })
})
