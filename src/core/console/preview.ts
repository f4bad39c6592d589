// The dry run: one aggregate query over the matched lines gives the match count, the blocked breakdown, the money and a
// fingerprint of exactly which lines at which row versions the preview saw. Nothing per line is materialized here; the
// ids are read at commit, inside the transaction that first checks the fingerprint again (commit.ts).
import { randomUUID } from 'node:crypto'
import type { BlockedReason, ParserTier, PreviewMoney, PreviewResult } from '../../shared/api/console'
import { conditionToCanonical, toCanonical } from '../../shared/command/canonical'
import { readBack } from '../../shared/command/read-back'
import type { Command } from '../../shared/command/schema'
import type { Db } from '../store'
import type { CompileContext } from './cohort-sql'
import { fingerprintOf, type Aggregates, type CommandPlan } from './preview-aggregates'
import { evaluate } from './preview-evaluate'
import { planCommand } from './preview-plan'
import type { RollbackPlan } from './rollback'

export function blockedBreakdown(plan: CommandPlan, agg: Aggregates): BlockedReason[] {
  return plan.rules.map((r, i) => ({ code: r.code, label: r.label, count: agg.counts[i + 1] })).filter((r) => r.count > 0)
}

export function moneyOf(plan: CommandPlan, agg: Aggregates): PreviewMoney {
  const affected = agg.counts[0]
  return {
    mrrDeltaCents: agg.mrr,
    prorationCents: agg.proration,
    creditsCents: plan.money.creditCents * affected,
    oneTimeCents: plan.money.oneTimeCents * affected,
  }
}

export function scopeText(cmd: Command): string {
  const s = cmd.scope
  switch (s.kind) {
    case 'line':
      return `line ${s.msisdn}`
    case 'account':
      return `account ${s.account}`
    case 'list':
      return `list ${s.source} (${s.msisdns.length} numbers)`
    case 'cohort':
      return s.where.length === 0 ? 'every line' : `cohort: ${s.where.map(conditionToCanonical).join(' and ')}`
  }
}

export function warningsOf(cmd: Command, agg: Aggregates, plan: CommandPlan, asOfFromClock: boolean): string[] {
  const w: string[] = []
  if (cmd.scope.kind === 'cohort' && cmd.scope.where.length === 0) w.push('No conditions: this command applies to EVERY line in the workspace.')
  if (agg.matched === 0) {
    if (cmd.scope.kind === 'line') w.push(`No line has the number ${cmd.scope.msisdn}.`)
    else if (cmd.scope.kind === 'account') w.push(`Account ${cmd.scope.account} has no lines (or does not exist).`)
    else w.push('No line matches: a commit would write nothing.')
  } else if (agg.counts[0] === 0) w.push('Every matched line is blocked: a commit would write nothing.')
  if (cmd.scope.kind === 'list' && agg.matched < new Set(cmd.scope.msisdns).size)
    w.push(`${new Set(cmd.scope.msisdns).size - agg.matched} of the listed numbers are not lines of this workspace.`)
  if (plan.withCreditAccounts && agg.creditAccounts > 0 && agg.creditAccounts < agg.counts[0])
    w.push(`${agg.counts[0]} lines share ${agg.creditAccounts} accounts: each line credits its account's wallet once, so some accounts get more than one credit.`)
  if (!asOfFromClock) w.push("This workspace has no demo clock (meta 'as_of'): today's date is used for tenure and proration.")
  return w
}

// ---------------------------------------------------------------------------------------------------------------------
// The previews a workspace keeps (in memory: a preview is a short-lived promise about what a commit will write)

export interface StoredPreview {
  result: PreviewResult
  command: Command | null
  plan: CommandPlan | null
  agg: Aggregates | null
  /** a rollback: the compensating ops it computed */
  rollback: RollbackPlan | null
  consumed: boolean
}

export class PreviewStore {
  private items = new Map<string, StoredPreview>()
  constructor(private readonly max = 32) {}

  put(p: StoredPreview): void {
    this.items.set(p.result.previewId, p)
    while (this.items.size > this.max) this.items.delete(this.items.keys().next().value as string)
  }

  get(id: string): StoredPreview | undefined {
    return this.items.get(id)
  }
}

export function newPreviewId(): string {
  return `pv-${randomUUID()}`
}

export interface PreviewMeta {
  sentence: string
  parser: ParserTier
  canCommit: boolean
  dataVersion: number
  asOf: string
  asOfFromClock: boolean
}

export function runPreview(db: Db, cmd: Command, ctx: CompileContext, meta: PreviewMeta): StoredPreview {
  const t0 = performance.now()
  const plan = planCommand(db, cmd, ctx)
  const agg = evaluate(db, plan)
  const blocked = agg.matched - agg.counts[0]
  const result: PreviewResult = {
    previewId: newPreviewId(),
    readBack: readBack(cmd, { count: agg.matched }),
    candidates: [],
    // an LLM's reading is committed only with the canonical text the person saw (issue 11, attack 6)
    confirmCanonical: meta.parser === 'llm',
    kind: 'commit',
    rollbackOf: null,
    createdAt: new Date().toISOString(),
    asOf: meta.asOf,
    sentence: meta.sentence,
    command: cmd,
    canonical: toCanonical(cmd),
    parser: meta.parser,
    scopeText: scopeText(cmd),
    matched: agg.matched,
    affected: agg.counts[0],
    blocked,
    blockedReasons: blockedBreakdown(plan, agg),
    money: moneyOf(plan, agg),
    warnings: warningsOf(cmd, agg, plan, meta.asOfFromClock),
    discards: 0,
    fingerprint: fingerprintOf(agg, meta.dataVersion),
    canCommit: meta.canCommit,
    elapsedMs: 0,
  }
  result.elapsedMs = Math.round((performance.now() - t0) * 10) / 10
  return { result, command: cmd, plan, agg, rollback: null, consumed: false }
}
