// What a preview computes and a commit checks again: the command compiled to SQL (its plan) and the aggregates of one
// evaluation over the matched lines, with how two evaluations compare (same lines at the same versions, or how many
// changed) and the fingerprint a preview hands out.
import { createHash } from 'node:crypto'
import type { SqlFragment } from './cohort-sql'
import type { MoneyExprs, RuleDef } from './rules'

/** A command compiled to SQL over `lines`. */
export interface CommandPlan {
  scope: SqlFragment
  rules: RuleDef[]
  reason: SqlFragment
  money: MoneyExprs
  /** the remaining part of the line's current cycle, as w/L (see cycleWeights in catalog.ts) */
  cycle: { sql: string; L: number }
  withCreditAccounts: boolean
  /** 'lines', or 'lines NOT INDEXED' when the cohort holds so many lines that a scan beats an index */
  from: string
  /** the preview reads grouped aggregates from lines_console_cover instead of one row per line (see evaluateGrouped) */
  grouped: boolean
}

/** The aggregates of one evaluation; two evaluations with equal aggregates saw the same lines at the same versions. */
export interface Aggregates {
  matched: number
  /** per rule index (0 = affected, k = blocked by rules[k-1]) */
  counts: number[]
  /** Σ (id·4096 + row_version) over the matched lines: which lines, at which versions (a decimal integer) */
  fp: string
  mrr: number
  proration: number
  creditAccounts: number
}


export const FP_ID_FACTOR = 4096

export function fingerprintOf(agg: Aggregates, dataVersion: number): string {
  const body = JSON.stringify([agg.matched, agg.counts, agg.fp])
  return `${createHash('sha256').update(body).digest('hex').slice(0, 16)}@${dataVersion}`
}

/** Affected and blocked counts by rule code (zero counts left out, so a rule that blocks nothing compares equal). */
export function countsByCode(plan: CommandPlan, agg: Aggregates): Record<string, number> {
  const out: Record<string, number> = { affected: agg.counts[0] }
  plan.rules.forEach((r, i) => {
    if (agg.counts[i + 1] > 0) out[r.code] = (out[r.code] ?? 0) + agg.counts[i + 1]
  })
  return out
}

/** Same lines at the same versions, with the same blocked breakdown, as the preview saw? */
export function sameAggregates(planA: CommandPlan, a: Aggregates, planB: CommandPlan, b: Aggregates): boolean {
  const ca = countsByCode(planA, a)
  const cb = countsByCode(planB, b)
  const keys = new Set([...Object.keys(ca), ...Object.keys(cb)])
  for (const k of keys) if ((ca[k] ?? 0) !== (cb[k] ?? 0)) return false
  return a.matched === b.matched && a.fp === b.fp
}

/**
 * How many lines changed between two evaluations, as well as aggregates can tell: lines that joined or left a bucket,
 * else the row-version growth, else (one line swapped for another) two.
 */
export function changedLines(planA: CommandPlan, before: Aggregates, planB: CommandPlan, now: Aggregates): number {
  const ca = countsByCode(planA, before)
  const cb = countsByCode(planB, now)
  let diff = 0
  for (const k of new Set([...Object.keys(ca), ...Object.keys(cb)])) diff += Math.abs((ca[k] ?? 0) - (cb[k] ?? 0))
  const moved = Math.max(Math.ceil(diff / 2), Math.abs(before.matched - now.matched))
  if (moved > 0) return moved
  // the same lines: the fingerprint grew by the row-version bumps (a sync bumps a changed line by at least one)
  const grown = BigInt(now.fp) - BigInt(before.fp)
  return grown > 0n && grown < BigInt(FP_ID_FACTOR) ? Number(grown) : 2
}
