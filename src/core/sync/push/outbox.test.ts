// The outbox's backoff on a fake clock: what is sent, held back and retried depends on the injected time only, so the
// test says exactly when an op may go again instead of hoping the machine is fast.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PushBatch, PushReply } from '../../../shared/sync/protocol'
import { openDatabase, type Db } from '../../store'
import { RemoteError } from '../errors'
import { insertLocalOps } from '../testing/test-checksums'
import { ClientIdentity } from './client-id'
import { opFingerprint } from './fingerprint'
import { backoffMs, FOREIGN_DUPLICATE, Outbox } from './outbox'

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

let db: Db
let now: number
let outbox: Outbox
let down: boolean
let sent: PushBatch[]

/** A server that applies everything, or answers 503 while `down`. */
async function server(batch: PushBatch): Promise<PushReply> {
  sent.push(batch)
  if (down) throw new RemoteError('server', 'push_operations failed on the server (503): upstream down', undefined, 503)
  return { protocol: 1, results: batch.ops.map((o) => ({ op_id: o.op_id, status: 'applied' as const })) }
}

function op(): { status: string; attempts: number; next_attempt_at: string | null; reason: string | null } {
  return db.prepare('SELECT status, attempts, next_attempt_at, reason FROM operations').get() as never
}

beforeEach(() => {
  db = openDatabase(':memory:')
  now = T0
  down = false
  sent = []
  outbox = new Outbox(db, 'client-1', { now: () => now })
  insertLocalOps(db, [{ line: 1, action: 'tag', params: { tag: 'x' } }])
})
afterEach(() => db.close())

describe('outbox backoff (fake clock)', () => {
  it('holds a failed op until its backoff has elapsed, to the millisecond, then sends it', async () => {
    down = true
    const r = await outbox.pushAll(server)
    expect(r.stoppedBy?.retryable).toBe(true)
    expect(r.nextAttemptAt).toBe(iso(T0 + 1000))
    expect(op()).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: iso(T0 + 1000), reason: expect.stringMatching(/^retrying: .*503/) })

    down = false
    now = T0 + 999
    const early = await outbox.pushAll(server)
    expect(early).toMatchObject({ sent: 0, nextAttemptAt: iso(T0 + 1000) })
    expect(sent).toHaveLength(1)

    now = T0 + 1000
    expect(await outbox.pushAll(server)).toMatchObject({ sent: 1, applied: 1, stoppedBy: null })
    expect(op()).toMatchObject({ status: 'applied', next_attempt_at: null })
  })

  it('doubles the wait on each failure, up to five minutes', async () => {
    down = true
    const waits: number[] = []
    for (let attempt = 1; attempt <= 10; attempt++) {
      const r = await outbox.pushAll(server)
      waits.push(Date.parse(r.nextAttemptAt!) - now)
      now = Date.parse(r.nextAttemptAt!)
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map((s) => s * 1000))
    expect(waits).toEqual(Array.from({ length: 10 }, (_, i) => backoffMs(i + 1)))
    expect(op().attempts).toBe(10)
  })

  it('a forced push (ignoreBackoff) sends within the backoff', async () => {
    down = true
    await outbox.pushAll(server)
    down = false
    now = T0 + 1
    expect(await outbox.pushAll(server, { ignoreBackoff: true })).toMatchObject({ sent: 1, applied: 1 })
  })

  it('records results at the injected time', async () => {
    await outbox.pushAll(server)
    expect(db.prepare('SELECT resolved_at FROM operations').get()).toEqual({ resolved_at: iso(T0) })
  })
})

describe('outbox: a duplicate answer is the op result only if it is the same op (issue 11, attack 1)', () => {
  it('attack 1: a duplicate carrying another operation fingerprint is rejected, not taken as applied', async () => {
    const foreign = async (batch: PushBatch): Promise<PushReply> => ({
      protocol: 1,
      results: batch.ops.map((o) => ({ op_id: o.op_id, status: 'duplicate' as const, original_status: 'applied' as const, fingerprint: '0'.repeat(64) })),
    })
    expect(await outbox.pushAll(foreign)).toMatchObject({ applied: 0, rejected: 1 })
    expect(op()).toMatchObject({ status: 'rejected', reason: FOREIGN_DUPLICATE })
  })

  it('a duplicate with the op own fingerprint is its result', async () => {
    const same = async (batch: PushBatch): Promise<PushReply> => ({
      protocol: 1,
      results: batch.ops.map((o) => ({ op_id: o.op_id, status: 'duplicate' as const, original_status: 'applied' as const, fingerprint: opFingerprint(o) })),
    })
    expect(await outbox.pushAll(same)).toMatchObject({ applied: 1, rejected: 0 })
    expect(op()).toMatchObject({ status: 'applied', reason: null })
  })

  it('pushes ops committed under an older client id (a copied workspace) under that id, in calls of their own', async () => {
    insertLocalOps(db, [{ line: 2, action: 'tag', params: { tag: 'y' } }])
    const two = new Outbox(db, new ClientIdentity([{ client_id: 'old', from_seq: 0 }, { client_id: 'new', from_seq: 2 }]), { now: () => now })
    await two.pushAll(server)
    expect(sent.map((b) => [b.client_id, b.ops.map((o) => o.op_id)])).toEqual([['old', [1]], ['new', [2]]])
  })
})
