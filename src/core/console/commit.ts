// Commit: exactly what the preview showed, or nothing. One immediate transaction (through the workspace's write queue)
// reads the preview's lines once into a temp table, refuses with STALE_PREVIEW when any line or the blocked breakdown
// moved, and only then writes the op_batches row and one pending `operations` row per affected line (INSERT … SELECT,
// so a 100k-line batch never becomes 100k JS objects). Drafts record the same batch without ops.
import { randomUUID } from 'node:crypto'
import type { CommitResult, PreviewResult, Role, SessionUser } from '../../shared/api/console'
import { AppError } from '../../shared/api/errors'
import type { Db, Workspace } from '../store'
import type { CompileContext } from './cohort-sql'
import type { StoredPreview } from './preview'
import { changedLines, countsByCode, sameAggregates } from './preview-aggregates'
import { evaluate, lineSelect } from './preview-evaluate'
import { planCommand } from './preview-plan'
import { canCommit } from './session'

export function newBatchId(): string {
  return `b-${randomUUID()}`
}

function staleError(n: number): AppError {
  return new AppError('STALE_PREVIEW', `The data changed since this preview (${n} line${n === 1 ? '' : 's'}). Preview again.`, { changedLines: n })
}

interface BatchRow {
  id: string
  kind: 'commit' | 'rollback' | 'draft'
  user: SessionUser
  result: PreviewResult
  summary: Record<string, unknown>
  createdAt: string
}

function insertBatch(db: Db, b: BatchRow): void {
  const r = b.result
  db.prepare(
    `INSERT INTO op_batches (id, created_at, actor, role, kind, sentence, command, canonical, parser, rollback_of, matched, blocked,
       mrr_delta_cents, proration_cents, credits_cents, summary)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    b.id,
    b.createdAt,
    b.user.id,
    b.user.role,
    b.kind,
    r.sentence,
    JSON.stringify(r.command),
    r.canonical,
    r.parser,
    r.rollbackOf,
    r.matched,
    r.blocked,
    r.money.mrrDeltaCents,
    r.money.prorationCents,
    r.money.creditsCents,
    JSON.stringify(b.summary),
  )
}

function summaryOf(p: StoredPreview, user: SessionUser, extra: Record<string, unknown>): Record<string, unknown> {
  const r = p.result
  return {
    actorName: user.name,
    previewId: r.previewId,
    fingerprint: r.fingerprint,
    asOf: r.asOf,
    scope: r.scopeText,
    affected: r.affected,
    blockedReasons: r.blockedReasons,
    oneTimeCents: r.money.oneTimeCents,
    warnings: r.warnings,
    ...extra,
  }
}

function checkCommittable(p: StoredPreview, role: Role, work = p.result.affected): void {
  if (!canCommit(role))
    throw new AppError('FORBIDDEN', `Your role (${role}) saves drafts only: only operator and admin commit. Save this preview as a draft instead.`)
  if (p.consumed) throw new AppError('CONFLICT', 'This preview was already committed. Preview again to make another batch.')
  if (work === 0)
    throw new AppError(
      'BAD_INPUT',
      p.result.matched === 0
        ? 'Nothing to commit: no line matches this command. Nothing was written.'
        : `Nothing to commit: all ${p.result.matched} matched lines are blocked. Nothing was written.`,
    )
}

/** Commits a command preview. Runs on the write queue; throws STALE_PREVIEW / FORBIDDEN / BAD_INPUT. */
export function commitCommand(ws: Workspace, p: StoredPreview, user: SessionUser, ctx: CompileContext): Promise<CommitResult> {
  checkCommittable(p, user.role)
  const db = ws.db
  const cmd = p.command!
  return ws.queue.run(() => {
    const batchId = newBatchId()
    const createdAt = new Date().toISOString()
    const written = db
      .transaction(() => {
        // one pass over the lines into a temp table: the fingerprint check and the outbox rows both read it
        const plan = planCommand(db, cmd, ctx)
        const rows = lineSelect(plan, ['id', 'row_version', 'plan_code', 'status', 'addons', 'tags', 'wallet_cents'])
        db.exec('DROP TABLE IF EXISTS temp.console_commit')
        db.prepare(`CREATE TEMP TABLE console_commit AS ${rows.sql}`).run(...rows.params)
        const now = evaluate(db, plan, 'temp.console_commit')
        if (!sameAggregates(p.plan!, p.agg!, plan, now)) throw staleError(changedLines(p.plan!, p.agg!, plan, now))
        insertBatch(db, { id: batchId, kind: 'commit', user, result: p.result, createdAt, summary: summaryOf(p, user, { counts: countsByCode(plan, now) }) })
        const info = db
          .prepare(
            `INSERT INTO operations (batch_id, line_id, action, params, previous, base_version, status, created_at)
             SELECT ?, id, ?, ?, json_object('plan', plan_code, 'status', status, 'addons', addons, 'tags', tags, 'wallet_cents', wallet_cents),
                    row_version, 'pending', ?
             FROM temp.console_commit WHERE r = 0 ORDER BY id`,
          )
          .run(batchId, cmd.action, JSON.stringify(cmd.params), createdAt)
        db.exec('DROP TABLE temp.console_commit')
        if (info.changes !== p.result.affected) throw staleError(Math.abs(info.changes - p.result.affected))
        return info.changes
      })
      .immediate()
    p.consumed = true
    ws.changed(['op_batches', 'operations'])
    return {
      batchId,
      kind: 'commit',
      ops: written,
      discarded: 0,
      status: 'pending',
      message: `${written} operation${written === 1 ? '' : 's'} queued in the outbox (pending). They reach the carrier and the central ledger when the sync engine pushes them.`,
    } satisfies CommitResult
  })
}

/** Commits a rollback preview: the compensating ops at the versions the preview saw, and discards never-sent ops. */
export function commitRollback(ws: Workspace, p: StoredPreview, user: SessionUser): Promise<CommitResult> {
  const rb = p.rollback!
  const toWrite = rb.ops.filter((o) => !o.blocked)
  checkCommittable(p, user.role, toWrite.length + rb.discardSeqs.length)
  const db = ws.db
  return ws.queue.run(() => {
    const batchId = newBatchId()
    const createdAt = new Date().toISOString()
    db.transaction(() => {
      const ids = JSON.stringify(toWrite.map((o) => o.lineId))
      const current = new Map(
        (db.prepare('SELECT id, row_version AS v FROM lines WHERE id IN (SELECT value FROM json_each(?))').all(ids) as Array<{ id: number; v: number }>).map((r) => [r.id, r.v]),
      )
      const busy = new Set(
        (
          db
            .prepare(
              `SELECT DISTINCT line_id AS id FROM operations WHERE status = 'pending' AND batch_id != ?
               AND line_id IN (SELECT value FROM json_each(?))`,
            )
            .all(rb.batchId, ids) as Array<{ id: number }>
        ).map((r) => r.id),
      )
      let changed = toWrite.filter((o) => current.get(o.lineId) !== o.baseVersion || busy.has(o.lineId)).length
      const stillPending = db
        .prepare("SELECT count(*) AS n FROM operations WHERE status = 'pending' AND seq IN (SELECT value FROM json_each(?))")
        .get(JSON.stringify(rb.discardSeqs)) as { n: number }
      changed += rb.discardSeqs.length - stillPending.n
      if (changed > 0) throw staleError(changed)
      insertBatch(db, {
        id: batchId,
        kind: 'rollback',
        user,
        result: p.result,
        createdAt,
        summary: summaryOf(p, user, { discarded: rb.discardSeqs.length, notReversible: rb.notReversible, nothingToUndo: rb.nothingToUndo }),
      })
      const ins = db.prepare(
        `INSERT INTO operations (batch_id, line_id, action, params, previous, base_version, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      for (const o of toWrite) ins.run(batchId, o.lineId, o.action, JSON.stringify(o.params), JSON.stringify(o.previous), o.baseVersion, createdAt)
      db.prepare(
        `UPDATE operations SET status = 'discarded', reason = ?, resolved_at = ?
         WHERE status = 'pending' AND seq IN (SELECT value FROM json_each(?))`,
      ).run(`discarded by rollback ${batchId} before it was sent`, createdAt, JSON.stringify(rb.discardSeqs))
    }).immediate()
    p.consumed = true
    ws.changed(['op_batches', 'operations'])
    const n = toWrite.length
    const d = rb.discardSeqs.length
    const parts = [`${n} compensating operation${n === 1 ? '' : 's'} queued in the outbox (pending)`]
    if (d > 0) parts.push(`${d} never-sent operation${d === 1 ? '' : 's'} of ${rb.batchId} discarded`)
    return { batchId, kind: 'rollback', ops: n, discarded: d, status: 'pending', message: `${parts.join('; ')}.` } satisfies CommitResult
  })
}

/** Any signed-in role may save a preview as a draft: recorded with who, when, the sentence, the command and counts. */
export function saveDraft(ws: Workspace, p: StoredPreview, user: SessionUser): Promise<CommitResult> {
  return ws.queue.run(() => {
    const batchId = newBatchId()
    const createdAt = new Date().toISOString()
    insertBatch(ws.db, { id: batchId, kind: 'draft', user, result: p.result, createdAt, summary: summaryOf(p, user, { draft: true }) })
    ws.changed(['op_batches'])
    return {
      batchId,
      kind: 'draft',
      ops: 0,
      discarded: 0,
      status: 'draft',
      message: `Draft ${batchId} saved (${p.result.affected} lines would change). Nothing goes to the outbox; an operator or admin can open it and commit.`,
    } satisfies CommitResult
  })
}
