// The outbox's backoff on a fake clock: what is sent, held back and retried depends on the injected time only, so the
// test says exactly when an op may go again instead of hoping the machine is fast.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PushBatch, PushReply } from '../../../shared/sync/protocol'
import { openDatabase, type Db } from '../../store'
import { RemoteError } from '../errors'
import { insertLocalOps } from '../testing/test-checksums'
import { backoffMs, Outbox } from './outbox'

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
