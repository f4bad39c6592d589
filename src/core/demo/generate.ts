// The deterministic demo workspace: a believable MVNO on the demo catalog, generated account by account from a seed.
//
// Model (per account, chronologically over its billing cycles inside the history window):
//  - growth: accounts are created along a growth curve (a base that predates the window, then rising monthly
//    activations); some lines are added later; a few are ordered but still pending at the as-of date;
//  - churn: each line has a monthly hazard of voluntary disconnection (port-outs, cancellations);
//  - billing: one invoice per account per cycle (plan per line, recurring add-ons, last cycle's top-ups, proration for
//    mid-cycle activations and plan changes, fees, credits, one tax item at the state's rate), due 7 days after issue;
//  - payments: autopay on the due date with retries on days 1, 3 and 7; payer profiles (good, flaky, delinquent,
//    dunning-hold) produce failure streaks with real decline codes;
//  - dunning (Reach-like): suspended on day 4, hotlined on day 12, disconnected on day 14; paying restores the lines,
//    within 30 days of a disconnection they are reactivated (with a fee), later the number is lost. Dunning-hold
//    accounts (net terms, promise to pay) keep their lines active while failures accumulate;
//  - usage: heavy-tailed per-line rates (lognormal with a Pareto tail), daily noise, throttling past the bucket and
//    top-ups; daily rows for the last four calendar months, the cycle totals and the current cycle derive from them;
//  - care interactions about suspensions, declines, disputes, plan changes, port-outs and everyday issues.
// Everything comes from seeded PRNG streams (one per account), so the same seed + options + as-of give the same rows.
import { ADDONS, PLANS } from '../../shared/domain/catalog'
import { newAccount, lineIncidents } from './account'
import { emitAccount } from './account-rows'
import { bill, settle } from './billing'
import { careInteractions } from './care'
import { Ctx, type IdCounters } from './context'
import { DEMO_GENERATOR_VERSION, planAccounts, resolveParams, type DemoOptions, type DemoParams, type DemoProgress, type DemoSummary } from './params'
import type { AddonRowOut, DemoSink, DemoTable, MetaRowOut, PlanRowOut } from './sink'
import { lineUsage } from './usage'

function simulateAccount(ctx: Ctx, idx: number, firstLineId: number): number {
  const a = newAccount(ctx, idx, firstLineId)
  bill(ctx, a)
  lineIncidents(ctx, a)
  for (const l of a.ls) lineUsage(ctx, a, l)
  settle(ctx, a)
  careInteractions(ctx, a)
  emitAccount(ctx, a)
  return a.ls.length
}

// ---------------------------------------------------------------------------------------------------------------------
// Driving a sink

export interface ShardSpec {
  /** accounts [from, to) of the plan */
  fromAccount: number
  toAccount: number
  /** id of the first line of `fromAccount` */
  firstLineId: number
}

export interface ShardResult {
  rows: Record<DemoTable, number>
  ids: IdCounters
}

/** Generates one range of accounts into a sink (no begin/catalog/meta/finish), with shard-local ids starting at 1. */
export async function generateShard(sink: DemoSink, p: DemoParams, shard: ShardSpec, onLines?: (lines: number) => void): Promise<ShardResult> {
  const ctx = new Ctx(p)
  const plan = planAccounts(p)
  let lineId = shard.firstLineId
  let inBatch = 0
  let done = 0
  for (let i = shard.fromAccount; i < shard.toAccount; i++) {
    const n = simulateAccount(ctx, i, lineId)
    if (n !== plan[i]) throw new Error('demo generator: account plan mismatch')
    lineId += n
    inBatch += n
    done += n
    if (inBatch >= p.batchLines || i === shard.toAccount - 1) {
      await ctx.flush(sink)
      inBatch = 0
      onLines?.(done)
      await new Promise<void>((r) => setImmediate(r))
    }
  }
  return { rows: ctx.rows, ids: ctx.ids }
}

export function catalogRows(): { plans: PlanRowOut[]; addons: AddonRowOut[] } {
  return {
    plans: PLANS.map((x) => ({ code: x.code, name: x.name, kind: x.kind, monthly_cents: x.monthlyCents, data_mb: x.dataMb })),
    addons: ADDONS.map((x) => ({ code: x.code, name: x.name, price_cents: x.priceCents, recurring: x.recurring ? 1 : 0, data_mb: x.dataMb })),
  }
}

export function metaRows(p: DemoParams): MetaRowOut[] {
  return [
    { key: 'as_of', value: p.asOfIso },
    { key: 'seed', value: String(p.seed) },
    { key: 'demo_lines', value: String(p.N) },
    { key: 'demo_months', value: String(p.M) },
    { key: 'source', value: 'demo' },
    { key: 'demo_generator_version', value: DEMO_GENERATOR_VERSION },
    { key: 'generated_at', value: new Date().toISOString() },
  ]
}

/** Generates the demo workspace into any sink (the local SQLite store, the central Postgres database…). */
export async function generateDemoInto(sink: DemoSink, opts: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoSummary> {
  const t0 = performance.now()
  const p = resolveParams(opts)
  const plan = planAccounts(p)
  await sink.begin({ lines: p.N, months: p.M, seed: p.seed, asOf: p.asOfIso })
  const cat = catalogRows()
  await sink.plans(cat.plans)
  await sink.addons(cat.addons)
  onProgress?.({ phase: 'generate', done: 0, total: p.N })
  const r = await generateShard(sink, p, { fromAccount: 0, toAccount: plan.length, firstLineId: 1 }, (done) => onProgress?.({ phase: 'generate', done, total: p.N }))
  const meta = metaRows(p)
  await sink.meta(meta)
  onProgress?.({ phase: 'finish', done: 0, total: 1 })
  await sink.finish()
  const rows = { ...r.rows, plans: cat.plans.length, addons: cat.addons.length, meta: meta.length }
  onProgress?.({ phase: 'done', done: 1, total: 1 })
  return { lines: rows.lines, accounts: rows.accounts, months: p.M, seed: p.seed, asOf: p.asOfIso, rows, generate_s: Math.round((performance.now() - t0) / 10) / 100 }
}


export function phasesOf(t: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k.replace(/_ms$/, '_s'), Math.round(v / 10) / 100]))
}
