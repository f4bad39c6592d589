import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parsePullReply, parsePushReply, ProtocolError, type PullReply } from '../../../shared/sync/protocol'
import { openDatabase, type Db } from '../../store'
import { META } from '../replica'
import { Applier } from './apply'
import { SyncEngine } from '../engine'
import type { Remote } from '../remotes/remote'
import { pendingOverlay } from '../push/overlay'
import { discardOp, listProblems, retryOp } from '../push/problems'

const account = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  name: `Name ${id}`,
  email: `${id.toLowerCase()}@example.com`,
  street: '1 Main St',
  city: 'Austin',
  state: 'TX',
  zip: '78701',
  type: 'consumer',
  wallet_cents: 0,
  past_due_cents: 0,
  days_past_due: 0,
  failed_payments: 0,
  tags: '',
  created_at: '2026-01-01',
  row_version: 1,
  ...over,
})
const line = (id: number, accountId: string, over: Record<string, unknown> = {}) => ({
  id,
  msisdn: `+1512555${String(id).padStart(4, '0')}`,
  iccid: `8901${id}`,
  imei: `35${id}`,
  account_id: accountId,
  plan_code: 'M-10',
  addons: '',
  status: 'active',
  activated_at: '2026-01-02',
  disconnected_at: null,
  cycle_day: 2,
  cycle_start: '2026-03-02',
  data_used_mb: 100,
  topup_mb: 0,
  sms_used: 0,
  voice_min: 0,
  plan_changes_month: 0,
  tags: '',
  row_version: 1,
  updated_at: '2026-03-01T00:00:00Z',
  ...over,
})
const up = (table: string, pk: Record<string, unknown>, row: Record<string, unknown>) => ({ table, op: 'upsert', pk, row })
const page = (over: Partial<Record<string, unknown>>): PullReply =>
  parsePullReply({ protocol: 1, schema_version: 1, reset: false, phase: 'snapshot', changes: [], cursor: 'c', has_more: true, remaining_estimate: 0, horizon: '100', ...over })

let dir: string
let db: Db
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-apply-'))
  db = openDatabase(join(dir, 'ws.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('protocol parsing', () => {
  it('refuses an unknown schema version with a clear message', () => {
    expect(() => parsePullReply({ protocol: 1, schema_version: 7, reset: false, phase: 'log', changes: [], cursor: 'x', has_more: false })).toThrow(
      /the server speaks schema 7, this workstation knows schema 1/i,
    )
  })
  it('refuses garbage, a missing field, an unknown table or op', () => {
    expect(() => parsePullReply('<html>')).toThrow(ProtocolError)
    expect(() => parsePullReply({ protocol: 1, schema_version: 1, reset: false, phase: 'log', cursor: 'x', has_more: false })).toThrow(/changes/)
    expect(() => page({ changes: [{ table: 'secrets', op: 'upsert', pk: { id: 1 }, row: { id: 1 } }] })).toThrow(/unknown table/)
    expect(() => page({ changes: [{ table: 'lines', op: 'merge', pk: { id: 1 } }] })).toThrow(/unknown op/)
    expect(() => page({ changes: [{ table: 'lines', op: 'upsert', pk: { id: 1 }, row: { id: 1, x: { nested: true } } }] })).toThrow(/scalars/)
    expect(() => parsePushReply({ protocol: 1, results: [{ op_id: 1, status: 'maybe' }] })).toThrow(ProtocolError)
  })
})

describe('Applier', () => {
  it('bootstraps, fills the account columns on lines, refreshes them on account updates, deletes tombstones', () => {
    const a = new Applier(db)
    a.applyPage(page({ changes: [up('accounts', { id: 'ACC-1' }, account('ACC-1', { name: 'Zed', failed_payments: 2 }))], cursor: 'p1' }), null)
    // secondary indexes are dropped during the snapshot
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='index' AND name='lines_status'").get()).toEqual({ n: 0 })
    a.applyPage(page({ changes: [up('lines', { id: 1 }, line(1, 'ACC-1')), up('lines', { id: 2 }, line(2, 'ACC-1'))], cursor: 'p2' }), 'p1')
    expect(db.prepare('SELECT account_name, failed_payments FROM lines WHERE id = 1').get()).toEqual({ account_name: 'Zed', failed_payments: 2 })
    // the first log page rebuilds the indexes and an account update refreshes its lines
    a.applyPage(
      page({
        phase: 'log',
        has_more: false,
        cursor: 'l1',
        changes: [up('accounts', { id: 'ACC-1' }, account('ACC-1', { name: 'Ann', failed_payments: 4, row_version: 2 })), { table: 'lines', op: 'delete', pk: { id: 2 } }],
      }),
      'p2',
    )
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='index' AND name='lines_status'").get()).toEqual({ n: 1 })
    expect(db.prepare('SELECT account_name, failed_payments FROM lines WHERE id = 1').get()).toEqual({ account_name: 'Ann', failed_payments: 4 })
    expect(db.prepare('SELECT count(*) AS n FROM lines').get()).toEqual({ n: 1 })
    expect(a.cursor).toBe('l1')
    expect(a.meta(META.phase)).toBe('log')
    expect(a.meta(META.dataAsOf)).not.toBeNull()
  })

  it('writes nothing when a page fails half-way (cursor unchanged)', () => {
    const a = new Applier(db)
    a.applyPage(page({ changes: [up('accounts', { id: 'ACC-1' }, account('ACC-1'))], cursor: 'p1' }), null)
    const bad = page({ changes: [up('accounts', { id: 'ACC-2' }, account('ACC-2')), up('accounts', { id: 'ACC-3' }, { id: 'ACC-3' })], cursor: 'p2' })
    expect(() => a.applyPage(bad, 'p1')).toThrow(/NOT NULL/)
    expect(a.cursor).toBe('p1')
    expect(db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 })
  })

  it('stores usage_daily.mb from base64 and booleans as 0/1', () => {
    const a = new Applier(db)
    a.applyPage(
      page({
        changes: [
          up('addons', { code: 'X' }, { code: 'X', name: 'X', price_cents: 100, recurring: true, data_mb: null }),
          up('usage_daily', { line_id: 1, month: '2026-03' }, { line_id: 1, month: '2026-03', mb: Buffer.from([1, 0, 2, 0]).toString('base64') }),
        ],
      }),
      null,
    )
    expect(db.prepare('SELECT recurring FROM addons').get()).toEqual({ recurring: 1 })
    expect((db.prepare('SELECT mb FROM usage_daily').get() as { mb: Buffer }).mb).toEqual(Buffer.from([1, 0, 2, 0]))
  })
})

function fakeRemote(pages: unknown[]): Remote & { calls: Array<string | null> } {
  const calls: Array<string | null> = []
  return {
    kind: 'postgres',
    label: 'fake',
    calls,
    async pull(cursor) {
      calls.push(cursor)
      const next = pages.shift()
      if (next instanceof Error) throw next
      return parsePullReply(next)
    },
    async push() {
      throw new Error('no')
    },
    onPoke: () => () => {},
    async close() {},
  }
}

describe('SyncEngine.pull', () => {
  it('a malformed or unknown-schema reply applies nothing and keeps the cursor; reset drops the replica', async () => {
    const p1 = { protocol: 1, schema_version: 1, reset: false, phase: 'log', changes: [up('accounts', { id: 'ACC-1' }, account('ACC-1'))], cursor: 'l1', has_more: false, horizon: '5' }
    const remote = fakeRemote([p1])
    const engine = await SyncEngine.open({ dbPath: 'x', db, remote: { kind: 'postgres', url: 'postgres://x/y', claims: {} as never }, remoteImpl: remote })
    await engine.pull()
    expect(engine.applier.cursor).toBe('l1')
    remote.calls.length = 0
    const remote2 = fakeRemote([])
    ;(engine as unknown as { remote: Remote }).remote = remote2
    // unknown schema → the pull rejects; nothing applied
    ;(remote2 as { pull: Remote['pull'] }).pull = async () =>
      parsePullReply({ protocol: 1, schema_version: 2, reset: false, phase: 'log', changes: [up('accounts', { id: 'ACC-9' }, account('ACC-9'))], cursor: 'zz', has_more: false })
    await expect(engine.pull()).rejects.toThrow(/speaks schema 2/)
    expect(engine.applier.cursor).toBe('l1')
    expect(db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 })
    // reset: the replica is dropped and bootstrapped again from a null cursor
    const remote3 = fakeRemote([
      { protocol: 1, schema_version: 1, reset: true, phase: 'snapshot', changes: [], cursor: '', has_more: true },
      { protocol: 1, schema_version: 1, reset: false, phase: 'snapshot', changes: [up('accounts', { id: 'ACC-2' }, account('ACC-2'))], cursor: 's1', has_more: true },
      { protocol: 1, schema_version: 1, reset: false, phase: 'log', changes: [], cursor: 'l9', has_more: false },
    ])
    ;(engine as unknown as { remote: Remote }).remote = remote3
    const r = await engine.pull()
    expect(r.reset).toBe(true)
    expect(remote3.calls).toEqual(['l1', null, 's1'])
    expect(db.prepare('SELECT id FROM accounts').all()).toEqual([{ id: 'ACC-2' }])
    await engine.close()
  })
})

describe('outbox helpers', () => {
  it('overlay shows pending effects until the pull shows the applied op; retry/discard', () => {
    const a = new Applier(db)
    a.applyPage(page({ phase: 'log', has_more: false, changes: [up('accounts', { id: 'ACC-1' }, account('ACC-1')), up('lines', { id: 1 }, line(1, 'ACC-1', { addons: 'B' }))] }), null)
    db.prepare("INSERT INTO op_batches (id, created_at, actor, role, kind, sentence, command, canonical, parser, matched, blocked) VALUES ('b1', '2026-03-01', 'me', 'operator', 'commit', 'suspend it', '{}', 'suspend', 'local', 1, 0)").run()
    const ins = db.prepare("INSERT INTO operations (batch_id, line_id, action, params, base_version, status, created_at) VALUES ('b1', 1, ?, ?, 1, ?, '2026-03-01')")
    ins.run('suspend', '{"reason":"x"}', 'pending')
    ins.run('add_addon', '{"addon":"A"}', 'applied')
    ins.run('tag', '{"tag":"VIP"}', 'rejected')
    const o = pendingOverlay(db, [1]).get(1)!
    expect(o.status).toBe('suspended')
    expect(o.addons).toBe('A,B')
    expect(o.tags).toBeUndefined()
    // the pull brings row_version 2: the applied op leaves the overlay
    a.applyPage(page({ phase: 'log', has_more: false, cursor: 'c2', changes: [up('lines', { id: 1 }, line(1, 'ACC-1', { addons: 'A,B', row_version: 2 }))] }), 'c')
    expect(pendingOverlay(db, [1]).get(1)!.addons).toBeUndefined()
    expect(listProblems(db).map((p) => [p.seq, p.reason, p.sentence])).toEqual([[3, null, 'suspend it']])
    const r = retryOp(db, 3)
    expect(r).toEqual({ seq: 4, baseVersion: 2 })
    expect(db.prepare('SELECT status FROM operations WHERE seq = 3').get()).toEqual({ status: 'discarded' })
    expect(() => discardOp(db, 4)).toThrow(/pending, not rejected/)
  })
})
