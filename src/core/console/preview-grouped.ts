// Grouped evaluation: a line's blocked reason and money depend only on (status, plan, cycle day, plan changes this
// month, add-ons, tags), plus whether it has a pending op. So a cohort over those columns is counted per group, and
// the reason and money are computed once per group. The groups come from console_line_groups, which triggers on
// `lines` keep exact (count and Σ(id·4096 + row_version) per group, migration 0004): a broad preview reads a few
// thousand rows, not a million. Fallback (no table, or its total disagrees with count(*) of lines): a GROUP BY over the
// covering index lines_console_cover. The fingerprint is the same sum either way, so a commit (which re-reads its
// lines one by one) checks it exactly as before. Lines with a pending op (the outbox, usually few) are corrected
// afterwards, one row each.
import type { Command } from '../../shared/command/schema'
import type { Db } from '../store'
import { prorationTotal } from './catalog'
import type { SqlFragment } from './cohort-sql'
import { FP_ID_FACTOR, type Aggregates, type CommandPlan } from './preview-aggregates'
import { reasonExpr, type RuleDef } from './rules'

/** The columns of lines_console_cover a grouped preview reads, in index order (GROUP BY follows the index). */
const COVER_KEY = 'status, plan_code, cycle_day, plan_changes_month, addons, tags'
const COVER_INDEX = 'lines_console_cover'
/** Cohort fields that are columns of the cover index. */
const COVER_FIELDS = new Set(['status', 'plan', 'tag', 'addon'])
/** Override for tests: force (true) or forbid (false) the grouped path where it is allowed; null = decide. */
export const groupTuning: { force: boolean | null } = { force: null }

/**
 * A cohort reads grouped when every condition is a column of the groups (status, plan, tag, add-on) and either the
 * groups table is there, or (the index fallback) it is broad (a scan) or pins `status` (a range of the index).
 * Credits count distinct accounts: per line.
 */
export function groupable(cmd: Command, from: string, tableReady = false): boolean {
  if (cmd.scope.kind !== 'cohort' || cmd.action === 'credit_wallet') return false
  if (!cmd.scope.where.every((c) => COVER_FIELDS.has(c.field))) return false
  if (groupTuning.force !== null) return groupTuning.force
  return tableReady || from === 'lines NOT INDEXED' || cmd.scope.where.some((c) => c.field === 'status' && (c.op === '=' || c.op === 'in'))
}

/**
 * Where the groups come from: `table` = console_line_groups (kept by triggers on lines, migration 0004: a few thousand
 * rows), `index` = a GROUP BY over lines_console_cover (one index entry per line; the fallback).
 */
export type GroupSource = 'table' | 'index'

/** The groups table is usable when it exists and accounts for every line (a cheap guard against any drift). */
export function groupsTableReady(db: Db): boolean {
  try {
    const g = db.prepare('SELECT coalesce(sum(n), 0) AS n FROM console_line_groups').get() as { n: number }
    const l = db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }
    return g.n === l.n
  } catch {
    // no group table (an older workspace): treated as out of step, so it is rebuilt
    return false
  }
}

/**
 * The grouped query: one row per group, with its reason (without the rules over line sets: pending ops, the daily
 * provisioning limit), money, line count and fp.
 */
export function groupedSql(plan: CommandPlan, source: GroupSource): SqlFragment & { rulesNP: RuleDef[] } {
  const rulesNP = plan.rules.filter((r) => !r.lines)
  const reason = reasonExpr(rulesNP)
  const cols = [`${reason.sql} AS r`, 'n', 'fp']
  const params: unknown[] = [...reason.params]
  if (!plan.money.mrrZero && !plan.money.mrrConstant) {
    cols.push(`${plan.money.mrr.sql} AS d`)
    params.push(...plan.money.mrr.params)
  }
  if (!plan.money.mrrZero) cols.push(`${plan.cycle.sql} AS w`)
  const inner =
    source === 'table'
      ? `SELECT ${COVER_KEY}, n, fp FROM console_line_groups WHERE n > 0 AND (${plan.scope.sql})`
      : `SELECT ${COVER_KEY}, count(*) AS n, sum(id * ${FP_ID_FACTOR} + row_version) AS fp
    FROM lines INDEXED BY ${COVER_INDEX} WHERE ${plan.scope.sql} GROUP BY ${COVER_KEY}`
  params.push(...plan.scope.params)
  return { sql: `SELECT ${cols.join(', ')} FROM (${inner})`, params, rulesNP }
}

/** Same result as evaluate(db, plan) for a groupable plan, without reading one row per line. */
export function evaluateGrouped(db: Db, plan: CommandPlan, source: GroupSource = groupsTableReady(db) ? 'table' : 'index'): Aggregates {
  const q = groupedSql(plan, source)
  // rule k of the grouped query (1-based, without the line-set rules) is rule index[k] of the plan
  const index = [0, ...q.rulesNP.map((r) => plan.rules.indexOf(r) + 1)]
  const counts = new Array<number>(plan.rules.length + 1).fill(0)
  let fp = 0n
  let mrr = 0n
  let weighted = 0n
  let w0 = 0n
  const constant = plan.money.mrrConstant
  const perLine = !plan.money.mrrZero && !constant
  type G = { r: bigint; n: bigint; fp: bigint | null; d?: bigint | null; w?: bigint }
  for (const g of db.prepare(q.sql).safeIntegers(true).all(...q.params) as G[]) {
    const k = index[Number(g.r)]
    counts[k] += Number(g.n)
    fp += g.fp ?? 0n
    if (k !== 0 || plan.money.mrrZero) continue
    if (perLine) {
      if (g.d === null || g.d === undefined) continue
      mrr += g.d * g.n
      weighted += g.d * g.w! * g.n
    } else w0 += g.w! * g.n
  }
  const setRules = plan.rules.filter((r) => r.lines)
  if (setRules.length > 0) {
    // the lines of the line-set rules (the outbox's, those at the provisioning limit) in the cohort: their reason with
    // and without those rules; move those it changes
    const full = reasonExpr(plan.rules)
    const np = reasonExpr(q.rulesNP)
    const cols = [`${full.sql} AS r1`, `${np.sql} AS r0`]
    const params: unknown[] = [...full.params, ...np.params]
    if (perLine) {
      cols.push(`${plan.money.mrr.sql} AS d`)
      params.push(...plan.money.mrr.params)
    }
    if (!plan.money.mrrZero) cols.push(`${plan.cycle.sql} AS w`)
    params.push(...setRules.flatMap((r) => r.lines!.params), ...plan.scope.params)
    const rows = db
      .prepare(`SELECT ${cols.join(', ')} FROM lines WHERE id IN (${setRules.map((r) => r.lines!.sql).join(' UNION ')}) AND (${plan.scope.sql})`)
      .safeIntegers(true)
      .all(...params) as Array<{ r1: bigint; r0: bigint; d?: bigint | null; w?: bigint }>
    for (const x of rows) {
      const before = index[Number(x.r0)]
      const after = Number(x.r1)
      if (before === after) continue
      counts[before]--
      counts[after]++
      if (before !== 0 || plan.money.mrrZero) continue
      if (perLine) {
        if (x.d === null || x.d === undefined) continue
        mrr -= x.d
        weighted -= x.d * x.w!
      } else w0 -= x.w!
    }
  }
  if (!plan.money.mrrZero && constant) {
    mrr = BigInt(constant) * BigInt(counts[0])
    weighted = BigInt(constant) * w0
  }
  return {
    matched: counts.reduce((s, c) => s + c, 0),
    counts,
    fp: fp.toString(),
    mrr: Number(mrr),
    proration: prorationTotal(weighted, plan.cycle.L),
    creditAccounts: 0,
  }
}
