// The durable outbox: the local `operations` table (status 'pending'; `seq` is the op_id sent with the client id).
// The console inserts ops and their `op_batches` rows; this module pushes them in order, applies per-op results as
// they come back, retries network errors / 5xx with exponential backoff (attempts, next_attempt_at), and lets a person
// retry or discard what the server rejected. Each op goes under the client id it was committed under (client-id.ts), and
// a `duplicate` answer counts as the op's result only when its fingerprint is the op's own (fingerprint.ts).
import type { Db } from '../../store'
import type { PushBatch, PushOp, PushReply, PushResult } from '../../../shared/sync/protocol'
import { RemoteError } from '../errors'
import { ClientIdentity } from './client-id'
import { opFingerprint } from './fingerprint'

export const PUSH_BATCH = 500
const BACKOFF_BASE_MS = 1000
const BACKOFF_MAX_MS = 5 * 60_000

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1))
}

interface OpRow {
  seq: number
  batch_id: string
  line_id: number
  action: string
  params: string
  base_version: number
  attempts: number
  next_attempt_at: string | null
  sentence: string | null
}

export interface PushOutcome {
  sent: number
  applied: number
  rejected: number
  conflict: number
  /** set when pushing stopped early: the ops stay pending */
  stoppedBy: RemoteError | null
  /** when the first pending op may be tried again (backoff) */
  nextAttemptAt: string | null
}

/** The role refusal of a whole call (docs: only operator and admin may push) vs a per-op permission problem. */
function isRoleRefusal(e: RemoteError): boolean {
  return /role|may not push|not allowed to push|operator|admin|permission denied for function/i.test(e.message)
}

export type PushFn = (batch: PushBatch) => Promise<PushReply>

export interface OutboxOptions {
  /** the clock the backoff is computed and checked against (epoch ms); tests pass a fake one */
  now?: () => number
}

/** The reason an op gets when the server answers it with another operation's result. */
export const FOREIGN_DUPLICATE =
  'the server answered this op with the result of a different operation under the same op id (fingerprints differ): not taken as this op\'s result'

export class Outbox {
  private readonly clock: () => number
  readonly identity: ClientIdentity

  constructor(
    readonly db: Db,
    clientId: string | ClientIdentity,
    opts: OutboxOptions = {},
  ) {
    this.clock = opts.now ?? Date.now
    this.identity = typeof clientId === 'string' ? new ClientIdentity([{ client_id: clientId, from_seq: 0 }]) : clientId
  }

  /** The client id new ops are pushed under. */
  get clientId(): string {
    return this.identity.current
  }

  private now(): Date {
    return new Date(this.clock())
  }

  counts(): { pending: number; rejected: number; conflict: number } {
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM operations WHERE status IN ('pending','rejected','conflict') GROUP BY status").all() as Array<{
      status: string
      n: number
    }>
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]))
    return { pending: by.pending ?? 0, rejected: by.rejected ?? 0, conflict: by.conflict ?? 0 }
  }

  private nextPending(limit: number): OpRow[] {
    return this.db
      .prepare(
        `SELECT o.seq, o.batch_id, o.line_id, o.action, o.params, o.base_version, o.attempts, o.next_attempt_at, b.sentence
         FROM operations o LEFT JOIN op_batches b ON b.id = o.batch_id
         WHERE o.status = 'pending' ORDER BY o.seq LIMIT ?`,
      )
      .all(limit) as OpRow[]
  }

  private toOp(r: OpRow): PushOp {
    let params: Record<string, unknown> = {}
    try {
      const p = JSON.parse(r.params) as unknown
      if (p && typeof p === 'object' && !Array.isArray(p)) params = p as Record<string, unknown>
    } catch {
      /* an unreadable params blob is sent empty; the server rejects the op with its reason */
    }
    return { op_id: r.seq, batch_id: r.batch_id, action: r.action, line_id: r.line_id, params, base_version: r.base_version, sentence: r.sentence ?? '' }
  }

  /**
   * Records one reply's per-op results in one transaction. `sent`: the ops of the call; a `duplicate` whose fingerprint
   * is not its op's own is someone else's result and makes the op `rejected` instead. (A duplicate without a
   * fingerprint comes from a row the server stored before fingerprints, matched by its author: taken as before.)
   */
  applyResults(results: PushResult[], now = this.now(), sent: PushOp[] = []): { applied: number; rejected: number; conflict: number } {
    const upd = this.db.prepare("UPDATE operations SET status = ?, reason = ?, resolved_at = ?, next_attempt_at = NULL WHERE seq = ? AND status = 'pending'")
    const out = { applied: 0, rejected: 0, conflict: 0 }
    const ops = new Map(sent.map((o) => [o.op_id, o]))
    this.db.transaction(() => {
      for (const r of results) {
        let status = r.status === 'duplicate' ? (r.original_status ?? 'applied') : r.status
        let reason = status === 'applied' ? null : (r.reason ?? null)
        const mine = ops.get(r.op_id)
        if (r.status === 'duplicate' && mine && r.fingerprint && r.fingerprint !== opFingerprint(mine)) {
          status = 'rejected'
          reason = FOREIGN_DUPLICATE
        }
        upd.run(status, reason, now.toISOString(), r.op_id)
        out[status]++
      }
    })()
    return out
  }

  private backoff(seqs: number[], now: Date, message: string): string {
    const rows = this.db.prepare(`SELECT seq, attempts FROM operations WHERE seq IN (${seqs.map(() => '?').join(',')})`).all(...seqs) as Array<{ seq: number; attempts: number }>
    const upd = this.db.prepare('UPDATE operations SET attempts = ?, next_attempt_at = ?, reason = ? WHERE seq = ?')
    let first = ''
    this.db.transaction(() => {
      for (const r of rows) {
        const attempts = r.attempts + 1
        const at = new Date(now.getTime() + backoffMs(attempts)).toISOString()
        if (!first || at < first) first = at
        upd.run(attempts, at, `retrying: ${message}`.slice(0, 500), r.seq)
      }
    })()
    return first
  }

  private reject(seq: number, reason: string, now: Date): void {
    this.db
      .prepare("UPDATE operations SET status = 'rejected', reason = ?, resolved_at = ?, next_attempt_at = NULL WHERE seq = ? AND status = 'pending'")
      .run(reason.slice(0, 1000), now.toISOString(), seq)
  }

  /**
   * Pushes pending ops in seq order, in batches, until none is left or a failure stops it. A batch refused as a whole
   * for its content (4xx, SQLSTATE class 22/23, a per-op 42501) is split until the offending op is alone, which is
   * then rejected with the server's message; the others go through.
   */
  async pushAll(push: PushFn, opts: { batchSize?: number; onBatch?: (o: PushOutcome) => void | Promise<void>; ignoreBackoff?: boolean } = {}): Promise<PushOutcome> {
    const now = () => this.now()
    const size = opts.batchSize ?? PUSH_BATCH
    const out: PushOutcome = { sent: 0, applied: 0, rejected: 0, conflict: 0, stoppedBy: null, nextAttemptAt: null }
    const sendBatch = async (ops: PushOp[]): Promise<boolean> => {
      try {
        const reply = await push({ client_id: this.identity.idFor(ops[0].op_id), ops })
        out.sent += ops.length
        const c = this.applyResults(reply.results, now(), ops)
        out.applied += c.applied
        out.rejected += c.rejected
        out.conflict += c.conflict
        const answered = new Set(reply.results.map((r) => r.op_id))
        const missing = ops.filter((o) => !answered.has(o.op_id)).map((o) => o.op_id)
        if (missing.length) {
          out.nextAttemptAt = this.backoff(missing, now(), 'the server did not answer for this op')
          return false
        }
        await opts.onBatch?.(out)
        return true
      } catch (e) {
        const err = e instanceof RemoteError ? e : new RemoteError('server', (e as Error).message)
        const perOp = err.kind === 'client' || (err.kind === 'forbidden' && !isRoleRefusal(err))
        if (perOp || (err.kind === 'forbidden' && ops.length > 1 && !isRoleRefusal(err))) {
          if (ops.length === 1) {
            this.reject(ops[0].op_id, err.message, now())
            out.rejected++
            out.sent++
            return true
          }
          const mid = Math.ceil(ops.length / 2)
          return (await sendBatch(ops.slice(0, mid))) && (await sendBatch(ops.slice(mid)))
        }
        if (err.retryable || err.kind === 'protocol') {
          out.nextAttemptAt = this.backoff(
            ops.map((o) => o.op_id),
            now(),
            err.message,
          )
        }
        out.stoppedBy = err
        return false
      }
    }
    for (;;) {
      const rows = this.nextPending(size)
      if (rows.length === 0) break
      const first = rows[0]
      // in order: an op waiting out its backoff holds the ones after it
      if (!opts.ignoreBackoff && first.next_attempt_at && first.next_attempt_at > now().toISOString()) {
        out.nextAttemptAt = first.next_attempt_at
        break
      }
      // one call carries one client id: ops committed under an older id (a copied workspace's) go in calls of their own
      const id = this.identity.idFor(first.seq)
      const ok = await sendBatch(rows.filter((r) => this.identity.idFor(r.seq) === id).map((r) => this.toOp(r)))
      if (!ok) break
    }
    return out
  }
}
