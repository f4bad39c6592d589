// Rollback through the real push and pull: the central database (PostgreSQL on TEST_DATABASE_URL, else PGlite) holds
// the demo MVNO, each test's workspace is a replica bootstrapped from it, and every committed batch — the rollbacks
// included — is applied by the server's push_operations, then pulled back. Lines are set up on the server too, so
// the replica never holds a state the server did not have.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fillCentralDemo } from '../../central/demo-fill'
import type { Command } from '../../shared/command/schema'
import { Workspace } from '../store'
import { createTestCentral, type TestCentral } from '../sync/testing/test-central'
import { centralChecksums, localChecksums } from '../sync/testing/test-checksums'
import { engineOn, pushAndPull, type SyncEngine } from '../sync/testing/test-engine'
import { callerFor, failure, pinLines, TEST_AS_OF } from './test-support'

let c: TestCentral
let dir: string
let ws: Workspace
let engine: SyncEngine
let api: ReturnType<typeof callerFor>

beforeAll(async () => {
  c = await createTestCentral()
  await fillCentralDemo(c.client, { lines: 400, months: 2, seed: 11, asOf: TEST_AS_OF })
}, 180_000)
afterAll(async () => {
  await c?.close()
})
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-rollback-'))
  ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
  engine = await engineOn(c, ws.db)
  await engine.pull()
  ws.setMeta('as_of', TEST_AS_OF)
  api = callerFor(ws)
}, 120_000)
afterEach(async () => {
  await engine.close()
  ws.close()
  rmSync(dir, { recursive: true, force: true })
})

const cmd = (x: Command): Command => x

/** Sets a line's columns on the server (as another workstation would); the next pull brings them. */
async function setLine(id: number, cols: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(cols)
  await c.sql(`UPDATE lines SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(', ')} WHERE id = $${keys.length + 1}`, [...keys.map((k) => cols[k]), id])
}
function lineOf(id: number) {
  return ws.db.prepare('SELECT id, plan_code, status, addons, tags, wallet_cents, row_version FROM lines WHERE id = ?').get(id) as {
    id: number
    plan_code: string
    status: string
    addons: string
    tags: string
    wallet_cents: number
    row_version: number
  }
}
const list = (ls: Array<{ msisdn: string }>) => ({ kind: 'list' as const, source: 'fixture.csv', msisdns: ls.map((l) => l.msisdn) })

/** Pushes the batch's ops to the server and pulls their effects; every op must have been applied there. */
async function applyOnServer(batchId: string): Promise<void> {
  const ops = (ws.db.prepare('SELECT count(*) AS n FROM operations WHERE batch_id = ?').get(batchId) as { n: number }).n
  const r = await pushAndPull(engine, c)
  const statuses = ws.db.prepare('SELECT status, reason FROM operations WHERE batch_id = ?').all(batchId)
  expect(statuses, `batch ${batchId} on the server`).toEqual(Array.from({ length: ops }, () => ({ status: 'applied', reason: null })))
  expect(r.applied).toBe(ops)
}

describe('rollback (through the server)', () => {
  it('restores previous plans, statuses, add-ons, tags and credits after the batches applied', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const lines = pinLines(ws, 8)
    for (const [i, l] of lines.entries()) await setLine(l.id, { plan_code: i % 2 ? 'DATA_1' : 'DATA_5', tags: i % 3 ? '' : 'vip' })
    await pushAndPull(engine, c)
    const before = lines.map((l) => lineOf(l.id))
    expect(before.map((l) => l.tags)).toEqual(lines.map((_, i) => (i % 3 ? '' : 'vip')))
    const scope = list(lines)
    const commands: Command[] = [
      { action: 'change_plan', params: { plan: 'DATA_15' }, scope },
      { action: 'suspend', params: { reason: 'test' }, scope },
      { action: 'add_addon', params: { addon: 'INTL' }, scope },
      { action: 'tag', params: { tag: 'vip' }, scope },
      { action: 'credit_wallet', params: { amount_cents: 700 }, scope },
    ]
    const batches: string[] = []
    for (const x of commands) {
      const p = await api.console.preview({ command: x })
      const r = await api.console.commit({ previewId: p.previewId })
      await applyOnServer(r.batchId)
      batches.push(r.batchId)
    }
    expect(lineOf(lines[0].id)).toMatchObject({ plan_code: 'DATA_15', status: 'suspended', addons: 'INTL', tags: 'vip' })
    // undo in reverse order, each rollback previewed, committed and applied by the server
    for (const id of [...batches].reverse()) {
      const p = await api.console.rollbackPreview({ batchId: id })
      expect(p.kind).toBe('rollback')
      expect(p.blocked).toBe(0)
      const r = await api.console.commit({ previewId: p.previewId })
      expect(r.kind).toBe('rollback')
      await applyOnServer(r.batchId)
    }
    const after = lines.map((l) => lineOf(l.id))
    after.forEach((a, i) => {
      expect({ ...a, row_version: 0 }).toEqual({ ...before[i], row_version: 0 })
    })
    // the replica is the server's state, not a local guess at it
    expect(localChecksums(ws.db)).toEqual(await centralChecksums(c))
    const credit = await api.console.batch({ batchId: batches[4] })
    expect(credit.batch.rolledBackBy).toMatch(/^b-/)
    const rbOps = await api.console.batch({ batchId: credit.batch.rolledBackBy! })
    expect(rbOps.ops[0]).toMatchObject({ action: 'debit_wallet', params: { amount_cents: 700 } })
    expect(rbOps.batch).toMatchObject({ kind: 'rollback', rollbackOf: batches[4], creditsCents: -700 * 8 })
    expect(await failure(api.console.rollbackPreview({ batchId: batches[4] }))).toMatchObject({ code: 'CONFLICT' })
  })

  it('prices a plan rollback and blocks lines that moved on', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const [a, b] = pinLines(ws, 2)
    await setLine(a.id, { plan_code: 'DATA_5', cycle_day: 5 })
    await setLine(b.id, { plan_code: 'DATA_5', cycle_day: 5 })
    await pushAndPull(engine, c)
    const p = await api.console.preview({ command: cmd({ action: 'change_plan', params: { plan: 'DATA_15' }, scope: list([a, b]) }) })
    const x = await api.console.commit({ previewId: p.previewId })
    await applyOnServer(x.batchId)
    await setLine(b.id, { plan_code: 'DATA_1' }) // someone else moved b on
    await pushAndPull(engine, c)
    const rb = await api.console.rollbackPreview({ batchId: x.batchId })
    expect(rb.affected).toBe(1)
    expect(rb.blockedReasons).toEqual([{ code: 'plan_moved_on', label: 'plan changed since the batch', count: 1 }])
    expect(rb.money.mrrDeltaCents).toBe(-1000)
    expect(rb.money.prorationCents).toBe(-667)
  })

  it('discards never-sent ops of a pending batch, and refuses a stale rollback preview', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const ls = pinLines(ws, 5)
    const p = await api.console.preview({ command: cmd({ action: 'tag', params: { tag: 'x1' }, scope: list(ls) }) })
    const x = await api.console.commit({ previewId: p.previewId })
    const rb = await api.console.rollbackPreview({ batchId: x.batchId })
    expect(rb.discards).toBe(5)
    expect(rb.affected).toBe(0)
    const r = await api.console.commit({ previewId: rb.previewId })
    expect(r).toMatchObject({ ops: 0, discarded: 5 })
    const d = await api.console.batch({ batchId: x.batchId })
    expect(d.batch.ops.discarded).toBe(5)
    // the discarded ops never reach the server
    expect((await pushAndPull(engine, c)).applied).toBe(0)
    expect(await c.sql(`SELECT id FROM lines WHERE tags LIKE '%x1%'`)).toEqual([])

    const p2 = await api.console.preview({ command: cmd({ action: 'tag', params: { tag: 'x2' }, scope: list(ls) }) })
    const x2 = await api.console.commit({ previewId: p2.previewId })
    await applyOnServer(x2.batchId)
    const rb2 = await api.console.rollbackPreview({ batchId: x2.batchId })
    // another workstation changes the first line on the server; the pull brings its new row_version
    await c.sql('UPDATE lines SET data_used_mb = data_used_mb + 1 WHERE id = $1', [ls[0].id])
    await pushAndPull(engine, c)
    expect(await failure(api.console.commit({ previewId: rb2.previewId }))).toMatchObject({ code: 'STALE_PREVIEW', message: expect.stringContaining('(1 line)') })
  })
})
