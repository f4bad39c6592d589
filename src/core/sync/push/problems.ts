// What the server refused, for a person to look at: list, retry (as a new op with a fresh base_version from the local
// row, since the server remembers the old op id's result), discard.
import { AppError } from '../../../shared/api/errors'
import type { SyncProblem } from '../../../shared/api/sync'
import type { Db } from '../../store'

interface Row {
  seq: number
  batch_id: string
  line_id: number
  action: string
  params: string
  status: 'rejected' | 'conflict'
  reason: string | null
  base_version: number
  created_at: string
  resolved_at: string | null
  sentence: string | null
}

export function listProblems(db: Db, limit = 1000): SyncProblem[] {
  const rows = db
    .prepare(
      `SELECT o.seq, o.batch_id, o.line_id, o.action, o.params, o.status, o.reason, o.base_version, o.created_at, o.resolved_at, b.sentence
       FROM operations o LEFT JOIN op_batches b ON b.id = o.batch_id
       WHERE o.status IN ('rejected', 'conflict') ORDER BY o.seq LIMIT ?`,
    )
    .all(limit) as Row[]
  return rows.map((r) => {
    let params: Record<string, unknown> = {}
    try {
      params = JSON.parse(r.params) as Record<string, unknown>
    } catch {
      /* shown empty */
    }
    return {
      seq: r.seq,
      batchId: r.batch_id,
      lineId: r.line_id,
      action: r.action,
      params,
      status: r.status,
      reason: r.reason,
      baseVersion: r.base_version,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      sentence: r.sentence,
    }
  })
}

function problem(db: Db, seq: number): Row & { previous: string } {
  const r = db.prepare('SELECT * FROM operations WHERE seq = ?').get(seq) as (Row & { previous: string }) | undefined
  if (!r) throw new AppError('NOT_FOUND', `operation ${seq} does not exist`)
  if (r.status !== 'rejected' && r.status !== 'conflict') throw new AppError('CONFLICT', `operation ${seq} is ${r.status}, not rejected or conflicting`)
  return r
}

/**
 * Queues the op again. The server keeps the first result of an op id forever (idempotency), so the retry is a new op
 * (a new seq, after every other op) with the line's current row_version; the old one is marked discarded and points at
 * it. One transaction.
 */
export function retryOp(db: Db, seq: number, now = new Date()): { seq: number; baseVersion: number } {
  return db.transaction(() => {
    const r = problem(db, seq)
    const line = db.prepare('SELECT row_version FROM lines WHERE id = ?').get(r.line_id) as { row_version: number } | undefined
    if (!line) throw new AppError('NOT_FOUND', `line ${r.line_id} is not in the local store`)
    const ins = db
      .prepare(
        `INSERT INTO operations (batch_id, line_id, action, params, previous, base_version, status, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
      )
      .run(r.batch_id, r.line_id, r.action, r.params, r.previous, line.row_version, now.toISOString())
    const newSeq = Number(ins.lastInsertRowid)
    db.prepare("UPDATE operations SET status = 'discarded', reason = ?, resolved_at = ? WHERE seq = ?").run(
      `retried as op ${newSeq} (was ${r.status}: ${r.reason ?? ''})`.slice(0, 1000),
      now.toISOString(),
      seq,
    )
    return { seq: newSeq, baseVersion: line.row_version }
  })()
}

export function discardOp(db: Db, seq: number, now = new Date()): { seq: number } {
  return db.transaction(() => {
    const r = problem(db, seq)
    db.prepare("UPDATE operations SET status = 'discarded', reason = ?, resolved_at = ? WHERE seq = ?").run(
      `discarded (was ${r.status}: ${r.reason ?? ''})`.slice(0, 1000),
      now.toISOString(),
      seq,
    )
    return { seq }
  })()
}
