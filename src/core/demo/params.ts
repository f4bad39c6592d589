// What a demo is asked for (options, progress, summary), the parameters resolved from it, and the account plan: how
// many lines each account has, drawn from the account's own stream so that any shard can find where it starts.
import { parseIsoDay } from './dates'
import { MAX_LINES } from './numbers'
import { Rng } from './rng'
import type { DemoTable } from './sink'

/** Bump when the generated data changes, so cached bench workspaces are rebuilt. */
export const DEMO_GENERATOR_VERSION = '2'

export interface DemoOptions {
  /** number of lines (rows of `lines`, including churned and pending ones) */
  lines: number
  /** months of history (billing cycles), default 24 */
  months?: number
  seed?: number
  /** YYYY-MM-DD, default today's UTC date */
  asOf?: string
  /** approximate share of lines that are HomeFi, default 0.12 */
  homefiShare?: number
  /** share of accounts that are businesses, default 0.06 */
  businessShare?: number
  /** calendar months with daily usage rows (the as-of month and the ones before it), default 4 */
  dailyMonths?: number
  /** lines per batch handed to the sink, default 5000 */
  batchLines?: number
  /**
   * threads for the SQLite fast path (generateDemo): 1 = single-threaded (default); more uses worker threads when
   * running from source (CLI, benches, tests); the data is identical either way
   */
  workers?: number
}

export interface DemoProgress {
  phase: 'generate' | 'merge' | 'index' | 'finish' | 'done'
  done: number
  total: number
}

export interface DemoSummary {
  lines: number
  accounts: number
  months: number
  seed: number
  asOf: string
  rows: Record<DemoTable, number>
  generate_s: number
  /** where the time went, in seconds (SQLite fast path only): inserting, merging worker shards, indexes, ANALYZE */
  phases?: Record<string, number>
}

export interface DemoParams {
  N: number
  M: number
  seed: number
  asOfIso: string
  homefiShare: number
  businessShare: number
  dailyMonths: number
  batchLines: number
}

export function resolveParams(opts: DemoOptions): DemoParams {
  const N = Math.floor(opts.lines)
  if (!(N >= 1)) throw new Error('lines must be at least 1')
  if (N > MAX_LINES) throw new Error(`lines must be at most ${MAX_LINES}`)
  const M = Math.floor(opts.months ?? 24)
  if (!(M >= 1 && M <= 120)) throw new Error('months must be between 1 and 120')
  const asOfIso = opts.asOf ?? new Date().toISOString().slice(0, 10)
  parseIsoDay(asOfIso)
  return {
    N,
    M,
    seed: Math.floor(opts.seed ?? 1),
    asOfIso,
    homefiShare: opts.homefiShare ?? 0.12,
    businessShare: opts.businessShare ?? 0.05,
    dailyMonths: Math.max(1, Math.floor(opts.dailyMonths ?? 4)),
    batchLines: Math.max(1, Math.floor(opts.batchLines ?? 2000)),
  }
}

/** The first draws of every account's stream: its type and line count. Shared by the plan and the simulation. */
export function accountShape(rng: Rng, businessShare: number): { business: boolean; nLines: number } {
  const business = rng.chance(businessShare)
  let nLines: number
  if (business) nLines = Math.min(60, 2 + Math.floor(rng.pareto(1, 1.35)) + rng.int(3))
  else {
    const x = rng.next()
    nLines = x < 0.6 ? 1 : x < 0.82 ? 2 : x < 0.92 ? 3 : x < 0.975 ? 4 : 5
  }
  return { business, nLines }
}

/** Lines per account, in account order (the last account is cut so the total is exactly N). Cheap and deterministic. */
export function planAccounts(p: DemoParams): Int32Array {
  const key = `${p.N}/${p.seed}/${p.businessShare}`
  if (planCache?.key === key) return planCache.plan
  const plan = computePlan(p)
  planCache = { key, plan }
  return plan
}

let planCache: { key: string; plan: Int32Array } | null = null

function computePlan(p: DemoParams): Int32Array {
  const out: number[] = []
  let total = 0
  for (let i = 0; total < p.N; i++) {
    const n = Math.min(accountShape(new Rng(p.seed, i + 1), p.businessShare).nLines, p.N - total)
    out.push(n)
    total += n
  }
  return Int32Array.from(out)
}
