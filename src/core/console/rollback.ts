// Rolling back a committed batch: a compensating batch, previewed and recorded like any other (kind 'rollback').
//
// Per op of the batch:
// - applied  → the inverse op on the line's current state: previous plan, previous status, add-on removed/added back,
//              tag taken off/put back, and a credit reversed by `debit_wallet {amount_cents, reason}` (a contract
//              extension: credit_wallet keeps amount_cents > 0; the server answers an action it does not know with
//              `rejected`, never a lost batch);
// - pending  → never sent: the rollback discards it (status 'discarded') in the same transaction;
// - rejected, conflict, discarded → nothing to undo.
// A notification cannot be recalled and a top-up is non-refundable: those are listed, not compensated.
// Compensation is blocked when the line moved on since (its plan is no longer the one the batch set…), when it is
// disconnected, when it has another op in the outbox, or by the carrier's plan-change rules.
import type { PreviewMoney } from '../../shared/api/console'
import { MAX_PLAN_CHANGES_PER_MONTH } from '../../shared/domain/catalog'
import { AppError } from '../../shared/api/errors'
import type { Db } from '../store'
import { cycleWeights, prorationTotal, type ConsoleCatalog } from './catalog'
import { REASON_LABELS } from './rules'

export interface RollbackOp {
  seq: number
  lineId: number
  msisdn: string
  baseVersion: number
  action: string
  params: Record<string, unknown>
  previous: Record<string, unknown>
  /** null = will be written; else the reason code */
  blocked: string | null
  label: string | null
  mrrDelta: number
  /** mrrDelta · w (see cycleWeights): the batch's proration is round(Σ / L) */
  prorationWeighted: number
  credit: number
}

export interface RollbackPlan {
  batchId: string
  sentence: string
  ops: RollbackOp[]
  discardSeqs: number[]
  notReversible: number
  nothingToUndo: number
  money: PreviewMoney
  blockedReasons: Array<{ code: string; label: string; count: number }>
  actions: Record<string, number>
}

interface OpLine {
  seq: number
  lineId: number
  action: string
  params: string
  previous: string
  opStatus: string
  msisdn: string | null
  rowVersion: number | null
  planCode: string | null
  status: string | null
  addons: string | null
  tags: string | null
  walletCents: number | null
  planChangesMonth: number | null
  cycleDay: number | null
}

const LABELS: Record<string, string> = {
  ...REASON_LABELS,
  line_gone: 'line no longer in this workspace',
  plan_moved_on: 'plan changed since the batch',
  status_moved_on: 'status changed since the batch',
  addon_moved_on: 'add-ons changed since the batch',
  tag_moved_on: 'tags changed since the batch',
}

const has = (list: string, v: string) => (list ? list.split(',') : []).includes(v)

export function planRollback(db: Db, batchId: string, catalog: ConsoleCatalog, asOf: string): RollbackPlan {
  const batch = db.prepare('SELECT id, kind, sentence FROM op_batches WHERE id = ?').get(batchId) as { id: string; kind: string; sentence: string } | undefined
  if (!batch) throw new AppError('NOT_FOUND', `No batch ${batchId}.`)
  if (batch.kind === 'draft') throw new AppError('BAD_INPUT', `Batch ${batchId} is a draft: nothing was committed, so there is nothing to roll back.`)
  const undone = db
    .prepare(
      `SELECT b.id FROM op_batches b WHERE b.rollback_of = ? AND b.kind = 'rollback'
       AND EXISTS (SELECT 1 FROM operations o WHERE o.batch_id = b.id AND o.status IN ('pending', 'applied')) LIMIT 1`,
    )
    .get(batchId) as { id: string } | undefined
  if (undone) throw new AppError('CONFLICT', `Batch ${batchId} is already rolled back by ${undone.id}.`)

  const rows = db
    .prepare(
      `SELECT o.seq, o.line_id AS lineId, o.action, o.params, o.previous, o.status AS opStatus,
              l.msisdn, l.row_version AS rowVersion, l.plan_code AS planCode, l.status, l.addons, l.tags,
              l.wallet_cents AS walletCents, l.plan_changes_month AS planChangesMonth, l.cycle_day AS cycleDay
       FROM operations o LEFT JOIN lines l ON l.id = o.line_id WHERE o.batch_id = ? ORDER BY o.seq`,
    )
    .all(batchId) as OpLine[]
  // lines with ops in the outbox from OTHER batches (this batch's own pending ops are discarded by the rollback)
  const busy = new Set(
    (
      db
        .prepare(
          `SELECT DISTINCT line_id AS id FROM operations WHERE status = 'pending' AND batch_id != ?
           AND line_id IN (SELECT line_id FROM operations WHERE batch_id = ?)`,
        )
        .all(batchId, batchId) as Array<{ id: number }>
    ).map((r) => r.id),
  )

  const weights = cycleWeights(asOf)
  const ops: RollbackOp[] = []
  const discardSeqs: number[] = []
  let notReversible = 0
  let nothingToUndo = 0
  for (const r of rows) {
    if (r.opStatus === 'pending') {
      discardSeqs.push(r.seq)
      continue
    }
    if (r.opStatus !== 'applied') {
      nothingToUndo++
      continue
    }
    const params = JSON.parse(r.params) as Record<string, unknown>
    const previous = JSON.parse(r.previous) as Record<string, unknown>
    const inv = inverse(r.action, params, previous, batchId, catalog)
    if (!inv) {
      notReversible++
      continue
    }
    const op: RollbackOp = {
      seq: r.seq,
      lineId: r.lineId,
      msisdn: r.msisdn ?? '',
      baseVersion: r.rowVersion ?? 0,
      action: inv.action,
      params: inv.params,
      previous: { plan: r.planCode, status: r.status, addons: r.addons, tags: r.tags, wallet_cents: r.walletCents },
      blocked: null,
      label: null,
      mrrDelta: 0,
      prorationWeighted: 0,
      credit: 0,
    }
    op.blocked = blockOf(r, op, busy)
    op.label = op.blocked ? (LABELS[op.blocked] ?? op.blocked) : null
    if (!op.blocked) priceOp(op, r, catalog, weights.weight)
    ops.push(op)
  }

  const counts = new Map<string, number>()
  const actions: Record<string, number> = {}
  const money: PreviewMoney = { mrrDeltaCents: 0, prorationCents: 0, creditsCents: 0, oneTimeCents: 0 }
  let weighted = 0
  for (const op of ops) {
    if (op.blocked) {
      counts.set(op.blocked, (counts.get(op.blocked) ?? 0) + 1)
      continue
    }
    actions[op.action] = (actions[op.action] ?? 0) + 1
    money.mrrDeltaCents += op.mrrDelta
    weighted += op.prorationWeighted
    money.creditsCents += op.credit
  }
  money.prorationCents = prorationTotal(weighted, weights.L)
  return {
    batchId,
    sentence: batch.sentence,
    ops,
    discardSeqs,
    notReversible,
    nothingToUndo,
    money,
    blockedReasons: [...counts].map(([code, count]) => ({ code, label: LABELS[code] ?? code, count })),
    actions,
  }
}

function inverse(
  action: string,
  params: Record<string, unknown>,
  previous: Record<string, unknown>,
  batchId: string,
  catalog: ConsoleCatalog,
): { action: string; params: Record<string, unknown> } | null {
  const why = `rollback of ${batchId}`
  switch (action) {
    case 'change_plan':
      return typeof previous.plan === 'string' ? { action: 'change_plan', params: { plan: previous.plan } } : null
    case 'add_addon':
      // a top-up is one-time and non-refundable
      return catalog.addons.get(String(params.addon))?.recurring === false ? null : { action: 'remove_addon', params: { addon: params.addon } }
    case 'remove_addon':
      return { action: 'add_addon', params: { addon: params.addon } }
    case 'suspend':
      return { action: 'resume', params: {} }
    case 'resume':
      return { action: 'suspend', params: { reason: why } }
    case 'tag':
      return { action: 'untag', params: { tag: params.tag } }
    case 'untag':
      return { action: 'tag', params: { tag: params.tag } }
    case 'credit_wallet':
      return { action: 'debit_wallet', params: { amount_cents: params.amount_cents, reason: `reversal: ${why}` } }
    case 'debit_wallet':
      return { action: 'credit_wallet', params: { amount_cents: params.amount_cents, reason: `reversal: ${why}` } }
    default:
      return null // send_notification: a message cannot be recalled
  }
}

function blockOf(r: OpLine, op: RollbackOp, busy: Set<number>): string | null {
  if (r.rowVersion === null) return 'line_gone'
  if (busy.has(r.lineId)) return 'pending_op'
  const status = r.status ?? ''
  if (status === 'disconnected' && op.action !== 'tag' && op.action !== 'untag' && !op.action.endsWith('_wallet')) return 'disconnected'
  const original = JSON.parse(r.params) as Record<string, unknown>
  switch (op.action) {
    case 'change_plan':
      if (r.planCode !== original.plan) return r.planCode === op.params.plan ? 'already_on_plan' : 'plan_moved_on'
      if (status === 'suspended') return 'suspended_plan_change'
      if ((r.planChangesMonth ?? 0) >= MAX_PLAN_CHANGES_PER_MONTH) return 'plan_change_limit'
      return null
    case 'resume':
      return status === 'suspended' ? null : 'status_moved_on'
    case 'suspend':
      return status === 'active' ? null : 'status_moved_on'
    case 'remove_addon':
      return has(r.addons ?? '', String(op.params.addon)) ? null : 'addon_moved_on'
    case 'add_addon':
      return has(r.addons ?? '', String(op.params.addon)) ? 'addon_moved_on' : null
    case 'untag':
      return has(r.tags ?? '', String(op.params.tag)) ? null : 'tag_moved_on'
    case 'tag':
      return has(r.tags ?? '', String(op.params.tag)) ? 'tag_moved_on' : null
    default:
      return null
  }
}

function priceOp(op: RollbackOp, r: OpLine, catalog: ConsoleCatalog, weight: (cycleDay: number) => number): void {
  let mrr = 0
  if (op.action === 'change_plan') {
    const from = catalog.plans.get(r.planCode ?? '')
    const to = catalog.plans.get(String(op.params.plan))
    if (from && to) mrr = to.monthlyCents - from.monthlyCents
  } else if (op.action === 'add_addon' || op.action === 'remove_addon') {
    const a = catalog.addons.get(String(op.params.addon))
    if (a?.recurring) mrr = op.action === 'add_addon' ? a.priceCents : -a.priceCents
  } else if (op.action === 'credit_wallet') op.credit = Number(op.params.amount_cents)
  else if (op.action === 'debit_wallet') op.credit = -Number(op.params.amount_cents)
  op.mrrDelta = mrr
  if (mrr !== 0 && r.cycleDay) op.prorationWeighted = mrr * weight(r.cycleDay)
}
