// The batch history: every commit, rollback and draft with who, when, the sentence, the command, the counts and the
// live status of its ops (the sync engine moves them pending → applied | rejected | conflict).
import type { BatchDetail, BatchOp, BatchSummary, HistoryInput, HistoryPage, OpStatus } from '../../shared/api/console'
import { OP_STATUSES } from '../../shared/api/console'
import { AppError } from '../../shared/api/errors'
import type { Db } from '../store'
import { userName } from './session'

interface BatchRowDb {
  id: string
  createdAt: string
  actor: string
  role: string
  kind: 'commit' | 'rollback' | 'draft'
  sentence: string
  canonical: string
  parser: string
  rollbackOf: string | null
  rolledBackBy: string | null
  matched: number
  blocked: number
  mrrDeltaCents: number
  prorationCents: number
  creditsCents: number
  command: string
  summary: string
}

const BATCH_COLUMNS = `b.id, b.created_at AS createdAt, b.actor, b.role, b.kind, b.sentence, b.canonical, b.parser,
  b.rollback_of AS rollbackOf, b.matched, b.blocked, b.mrr_delta_cents AS mrrDeltaCents, b.proration_cents AS prorationCents,
  b.credits_cents AS creditsCents, b.command, b.summary,
  (SELECT r.id FROM op_batches r WHERE r.rollback_of = b.id AND r.kind = 'rollback' ORDER BY r.created_at DESC LIMIT 1) AS rolledBackBy`

function opCounts(db: Db, ids: string[]): Map<string, Record<OpStatus, number>> {
  const out = new Map<string, Record<OpStatus, number>>()
  if (ids.length === 0) return out
  const rows = db
    .prepare(
      `SELECT batch_id AS batchId, status, count(*) AS n FROM operations
       WHERE batch_id IN (SELECT value FROM json_each(?)) GROUP BY batch_id, status`,
    )
    .all(JSON.stringify(ids)) as Array<{ batchId: string; status: OpStatus; n: number }>
  for (const r of rows) {
    const rec = out.get(r.batchId) ?? (Object.fromEntries(OP_STATUSES.map((s) => [s, 0])) as Record<OpStatus, number>)
    rec[r.status] = r.n
    out.set(r.batchId, rec)
  }
  return out
}

function toSummary(r: BatchRowDb, counts: Record<OpStatus, number> | undefined): BatchSummary {
  const ops = counts ?? (Object.fromEntries(OP_STATUSES.map((s) => [s, 0])) as Record<OpStatus, number>)
  let summaryName: string | undefined
  try {
    summaryName = (JSON.parse(r.summary) as { actorName?: string }).actorName
  } catch {
    // an old or damaged summary: shown without the actor's name
    summaryName = undefined
  }
  return {
    id: r.id,
    createdAt: r.createdAt,
    actor: r.actor,
    actorName: summaryName ?? userName(r.actor),
    role: r.role,
    kind: r.kind,
    sentence: r.sentence,
    canonical: r.canonical,
    parser: r.parser,
    rollbackOf: r.rollbackOf,
    rolledBackBy: r.rolledBackBy,
    matched: r.matched,
    blocked: r.blocked,
    mrrDeltaCents: r.mrrDeltaCents,
    prorationCents: r.prorationCents,
    creditsCents: r.creditsCents,
    ops,
    opsTotal: OP_STATUSES.reduce((s, k) => s + ops[k], 0),
  }
}

export function listHistory(db: Db, input: Required<Pick<HistoryInput, 'text' | 'limit' | 'offset'>> & HistoryInput): HistoryPage {
  const where: string[] = []
  const params: unknown[] = []
  const text = input.text.trim()
  if (text) {
    where.push("(b.id LIKE ? ESCAPE '\\' OR b.sentence LIKE ? ESCAPE '\\' OR b.canonical LIKE ? ESCAPE '\\' OR b.actor LIKE ? ESCAPE '\\' OR b.summary LIKE ? ESCAPE '\\')")
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    params.push(like, like, like, like, like)
  }
  if (input.kind) {
    where.push('b.kind = ?')
    params.push(input.kind)
  }
  if (input.actor) {
    where.push('(b.actor = ? OR b.role = ?)')
    params.push(input.actor, input.actor)
  }
  if (input.status) {
    where.push('EXISTS (SELECT 1 FROM operations o WHERE o.batch_id = b.id AND o.status = ?)')
    params.push(input.status)
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = (db.prepare(`SELECT count(*) AS n FROM op_batches b ${w}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(`SELECT ${BATCH_COLUMNS} FROM op_batches b ${w} ORDER BY b.created_at DESC, b.id LIMIT ? OFFSET ?`)
    .all(...params, input.limit, input.offset) as BatchRowDb[]
  const counts = opCounts(
    db,
    rows.map((r) => r.id),
  )
  return { batches: rows.map((r) => toSummary(r, counts.get(r.id))), total }
}

export function batchDetail(db: Db, input: { batchId: string; status?: OpStatus; startRow: number; endRow: number }): BatchDetail {
  const row = db.prepare(`SELECT ${BATCH_COLUMNS} FROM op_batches b WHERE b.id = ?`).get(input.batchId) as BatchRowDb | undefined
  if (!row) throw new AppError('NOT_FOUND', `No batch ${input.batchId}.`)
  const counts = opCounts(db, [row.id]).get(row.id)
  const filter = input.status ? 'AND o.status = ?' : ''
  const fparams = input.status ? [input.status] : []
  const opCount = (db.prepare(`SELECT count(*) AS n FROM operations o WHERE o.batch_id = ? ${filter}`).get(row.id, ...fparams) as { n: number }).n
  const limit = Math.max(0, input.endRow - input.startRow)
  const ops = db
    .prepare(
      `SELECT o.seq, o.line_id AS lineId, l.msisdn, o.action, o.params, o.previous, o.base_version AS baseVersion, o.status, o.reason,
              o.attempts, o.created_at AS createdAt, o.resolved_at AS resolvedAt
       FROM operations o LEFT JOIN lines l ON l.id = o.line_id WHERE o.batch_id = ? ${filter} ORDER BY o.seq LIMIT ? OFFSET ?`,
    )
    .all(row.id, ...fparams, limit, input.startRow) as Array<Omit<BatchOp, 'params' | 'previous'> & { params: string; previous: string }>
  const parse = (s: string) => {
    try {
      return JSON.parse(s) as Record<string, unknown>
    } catch {
      // an old or damaged blob: shown empty
      return {}
    }
  }
  return {
    batch: toSummary(row, counts),
    command: parse(row.command),
    summary: parse(row.summary),
    ops: ops.map((o) => ({ ...o, params: parse(o.params), previous: parse(o.previous) })),
    opCount,
  }
}
