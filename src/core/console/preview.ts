// The dry run: one aggregate query over the matched lines gives the match count, the blocked breakdown, the money and a
// fingerprint of exactly which lines at which row versions the preview saw. Nothing per line is materialized here; the
// ids are read at commit, inside the transaction that first checks the fingerprint again (commit.ts).
import { createHash, randomUUID } from 'node:crypto'
import type { Command } from '../../shared/command/schema'
import { conditionToCanonical, toCanonical } from '../../shared/command/canonical'
import type { BlockedReason, ParserTier, PreviewMoney, PreviewResult, PreviewRow } from '../../shared/api/console'
import type { Db } from '../store'
import { cycleWeights, prorationTotal, type ConsoleCatalog } from './catalog'
import { compileCondition, compileScope, type CompileContext, type SqlFragment } from './cohort-sql'
import { moneyFor, provisioningLimitedLines, reasonExpr, rulesFor, type MoneyExprs, type RuleDef } from './rules'

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

/** Bits per reason counter when counters are packed three to a 64-bit sum (up to 2,097,151 lines per counter). */
const PACK_BITS = 21
const FP_ID_FACTOR = 4096

export function hasPendingOps(db: Db): boolean {
  return db.prepare("SELECT 1 FROM operations WHERE status = 'pending' LIMIT 1").get() !== undefined
}

/** Above this share of all lines, one pass over the table is cheaper than an index walk with a lookup per row. */
const SCAN_SHARE = 0.25
const SAMPLE = 512
/** Below this many lines any access path is fast; SQLite's own choice stands. Tests lower it. */
export const accessTuning = { minLines: 20_000 }

/**
 * The index each cohort field can range-scan (data_remaining_mb narrows by plan first; tag/addon cannot). plan and state
 * use the console's covering indexes (migration 0005): they hold what the rules, the money and the fingerprint read, and
 * the data / activation columns a plan / state cohort usually adds, so such a preview never reads the wide table.
 */
const FIELD_INDEX: Record<string, string> = {
  plan: 'lines_console_plan',
  data_remaining_mb: 'lines_console_plan',
  status: 'lines_status',
  data_used_mb: 'lines_data_used',
  failed_payments: 'lines_failed',
  past_due_cents: 'lines_past_due',
  days_past_due: 'lines_days_past_due',
  wallet_cents: 'lines_wallet',
  tenure_days: 'lines_activated',
  activated_at: 'lines_activated',
  state: 'lines_console_state',
  zip: 'lines_zip',
  account_type: 'lines_account_type',
  account: 'lines_account',
}
const RANGE_OPS = new Set(['=', '<', '<=', '>', '>=', 'in'])

/**
 * Index or scan, and which index. The workspace's statistics come from a sampled ANALYZE that rates every value of
 * every column alike, so SQLite would walk lines_status for `status = active` (most lines) as gladly as for
 * `status = suspended` (a few). The cohort and each of its conditions are tried on an evenly spread sample of line ids
 * (512 rowid lookups, a few ms): a cohort holding more than a quarter of the lines is one pass over the table; else the
 * index of its most selective indexable condition.
 */
export function accessPath(db: Db, cmd: Command, ctx: CompileContext, scope: SqlFragment): string {
  if (cmd.scope.kind !== 'cohort') return 'lines'
  if (cmd.scope.where.length === 0) return 'lines NOT INDEXED'
  const max = (db.prepare('SELECT max(id) AS m FROM lines').get() as { m: number | null }).m ?? 0
  if (max < accessTuning.minLines) return 'lines'
  const indexed = cmd.scope.where
    .map((c) => ({ c, index: FIELD_INDEX[c.field] }))
    .filter((x) => x.index && RANGE_OPS.has(x.c.op))
  const parts = indexed.map((x) => compileCondition(x.c, ctx))
  const ids = Array.from({ length: SAMPLE }, (_, i) => Math.floor(((i + 0.5) * max) / SAMPLE) + 1)
  const cols = [`sum(CASE WHEN ${scope.sql} THEN 1 ELSE 0 END) AS m`, ...parts.map((p, i) => `sum(CASE WHEN ${p.sql} THEN 1 ELSE 0 END) AS c${i}`)]
  const r = db
    .prepare(`SELECT count(*) AS n, ${cols.join(', ')} FROM lines WHERE id IN (SELECT value FROM json_each(?))`)
    .get(...scope.params, ...parts.flatMap((p) => p.params), JSON.stringify(ids)) as Record<string, number | null>
  const n = r.n ?? 0
  if (n === 0) return 'lines'
  if ((r.m ?? 0) / n > SCAN_SHARE) return 'lines NOT INDEXED'
  let best = -1
  parts.forEach((_, i) => {
    if (best < 0 || (r[`c${i}`] ?? 0) < (r[`c${best}`] ?? 0)) best = i
  })
  if (best < 0) return (r.m ?? 0) / n > 0.02 ? 'lines NOT INDEXED' : 'lines'
  const forced = `lines INDEXED BY ${indexed[best].index}`
  try {
    // a condition that compiled to a constant (an empty set, a fractional tenure) cannot drive its index
    db.prepare(`SELECT 1 FROM ${forced} WHERE ${scope.sql}`)
    return forced
  } catch {
    return 'lines'
  }
}

/** The clock's day when some line has used up its provisioning actions that day (usually none: null). */
export function provisioningLimitDay(db: Db, cmd: Command, asOf: string): string | null {
  if (cmd.action !== 'suspend' && cmd.action !== 'resume') return null
  const day = asOf.slice(0, 10)
  const q = provisioningLimitedLines(day)
  return db.prepare(`${q.sql} LIMIT 1`).get(...q.params) ? day : null
}

export function planCommand(db: Db, cmd: Command, ctx: CompileContext): CommandPlan {
  const rules = rulesFor(cmd, ctx.catalog, { withPendingOps: hasPendingOps(db), provisioningDay: provisioningLimitDay(db, cmd, ctx.asOf) })
  const scope = compileScope(cmd.scope, ctx)
  const weights = cycleWeights(ctx.asOf)
  const from = accessPath(db, cmd, ctx, scope)
  return {
    scope,
    rules,
    reason: reasonExpr(rules),
    money: moneyFor(cmd, ctx.catalog),
    cycle: { sql: weights.sql, L: weights.L },
    withCreditAccounts: cmd.action === 'credit_wallet',
    from,
    grouped: groupable(cmd, from, groupsTableReady(db)),
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Grouped evaluation: a line's blocked reason and money depend only on (status, plan, cycle day, plan changes this
// month, add-ons, tags), plus whether it has a pending op. So a cohort over those columns is counted per group, and
// the reason and money are computed once per group. The groups come from console_line_groups, which triggers on
// `lines` keep exact (count and Σ(id·4096 + row_version) per group, migration 0004): a broad preview reads a few
// thousand rows, not a million. Fallback (no table, or its total disagrees with count(*) of lines): a GROUP BY over the
// covering index lines_console_cover. The fingerprint is the same sum either way, so a commit (which re-reads its
// lines one by one) checks it exactly as before. Lines with a pending op (the outbox, usually few) are corrected
// afterwards, one row each.

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
function groupedSql(plan: CommandPlan, source: GroupSource): SqlFragment & { rulesNP: RuleDef[] } {
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

/**
 * One pass over the matched lines. SQLite's per-row cost is mostly one call per aggregate, so the aggregates are few:
 * the reason counters are packed three to a sum (21 bits each), the fingerprint is one sum, and the money is summed
 * only when the command has any (a constant MRR delta is multiplied out in JS).
 */
/** One row per matched line: r (0 = affected, k = blocked by rules[k-1]), fp, and d / w / account_id when needed. */
export function lineSelect(plan: CommandPlan, extra: string[] = []): SqlFragment {
  const cols: string[] = [`${plan.reason.sql} AS r`, `id * ${FP_ID_FACTOR} + row_version AS fp`]
  const params: unknown[] = [...plan.reason.params]
  if (!plan.money.mrrZero && !plan.money.mrrConstant) {
    cols.push(`${plan.money.mrr.sql} AS d`)
    params.push(...plan.money.mrr.params)
  }
  if (!plan.money.mrrZero) cols.push(`${plan.cycle.sql} AS w`)
  if (plan.withCreditAccounts) cols.push('account_id')
  params.push(...plan.scope.params)
  return { sql: `SELECT ${[...cols, ...extra].join(', ')} FROM ${plan.from} WHERE ${plan.scope.sql}`, params }
}

/** The aggregates over lineSelect's rows, read from `source` (a table of them) or straight from `lines`. */
function aggregateSql(plan: CommandPlan, packed: boolean, source?: string): SqlFragment {
  const money = !plan.money.mrrZero
  const perLine = money && !plan.money.mrrConstant
  const outer: string[] = []
  const n = plan.rules.length + 1
  if (packed) {
    for (let g = 0; g * 3 < n; g++) {
      const shifted = `1 << ((r - ${g * 3}) * ${PACK_BITS})`
      outer.push(n <= 3 ? `sum(${shifted}) AS p${g}` : `sum(CASE WHEN r >= ${g * 3} AND r < ${g * 3 + 3} THEN ${shifted} END) AS p${g}`)
    }
  } else {
    for (let k = 0; k < n; k++) outer.push(`sum(r = ${k}) AS c${k}`)
  }
  outer.push('sum(fp) AS fp')
  if (perLine) outer.push('sum(CASE WHEN r = 0 THEN d END) AS mrr', 'sum(CASE WHEN r = 0 THEN d * w END) AS dw')
  else if (money) outer.push('sum(CASE WHEN r = 0 THEN w END) AS w')
  if (plan.withCreditAccounts) outer.push('count(DISTINCT CASE WHEN r = 0 THEN account_id END) AS credit_accounts')
  if (source) return { sql: `SELECT ${outer.join(', ')} FROM ${source}`, params: [] }
  const inner = lineSelect(plan)
  // LIMIT -1 keeps the inner query a co-routine, so each line's reason and money are computed once, not per sum()
  return { sql: `SELECT ${outer.join(', ')} FROM (${inner.sql} LIMIT -1)`, params: inner.params }
}

function canPack(db: Db): boolean {
  const r = db.prepare('SELECT max(id) AS m FROM lines').get() as { m: number | null }
  return (r.m ?? 0) < 2 ** PACK_BITS
}

export function evaluate(db: Db, plan: CommandPlan, source?: string): Aggregates {
  if (plan.grouped && !source) return evaluateGrouped(db, plan)
  const packed = canPack(db)
  const q = aggregateSql(plan, packed, source)
  const row = db.prepare(q.sql).safeIntegers(true).get(...q.params) as Record<string, bigint | null>
  const big = (k: string) => row[k] ?? 0n
  const n = plan.rules.length + 1
  const counts: number[] = []
  for (let k = 0; k < n; k++) {
    if (packed) counts.push(Number((big(`p${Math.floor(k / 3)}`) >> BigInt((k % 3) * PACK_BITS)) & BigInt(2 ** PACK_BITS - 1)))
    else counts.push(Number(big(`c${k}`)))
  }
  const constant = plan.money.mrrConstant
  const mrr = plan.money.mrrZero ? 0 : constant ? constant * counts[0] : Number(big('mrr'))
  const weighted = plan.money.mrrZero ? 0n : constant ? BigInt(constant) * big('w') : big('dw')
  return {
    matched: counts.reduce((s, c) => s + c, 0),
    counts,
    fp: big('fp').toString(),
    mrr,
    proration: prorationTotal(weighted, plan.cycle.L),
    creditAccounts: Number(big('credit_accounts')),
  }
}

/** The SQL of the query plan a preview runs, for EXPLAIN QUERY PLAN checks. */
export function aggregateQuery(db: Db, plan: CommandPlan): SqlFragment {
  if (plan.grouped) return groupedSql(plan, groupsTableReady(db) ? 'table' : 'index')
  return aggregateSql(plan, canPack(db))
}

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
// Rows of a preview, for its grid

export const PREVIEW_ROW_COLUMNS = `id, msisdn, iccid, imei, account_id AS accountId, account_name AS accountName, email, state, zip,
  account_type AS accountType, plan_code AS planCode, addons, status, activated_at AS activatedAt, cycle_day AS cycleDay,
  data_used_mb AS dataUsedMb, failed_payments AS failedPayments, past_due_cents AS pastDueCents,
  days_past_due AS daysPastDue, wallet_cents AS walletCents, tags, row_version AS rowVersion, updated_at AS updatedAt,
  plan_changes_month AS planChangesMonth`

/** 'affected' → r = 0, 'blocked' → r > 0, a reason code → that rule. */
export function previewRowsOf(db: Db, plan: CommandPlan, which: string, startRow: number, endRow: number, counts: number[]): { rows: PreviewRow[]; rowCount: number } {
  let test: string
  let rowCount: number
  if (which === 'affected') {
    test = '= 0'
    rowCount = counts[0]
  } else if (which === 'blocked') {
    test = '> 0'
    rowCount = counts.slice(1).reduce((s, c) => s + c, 0)
  } else {
    const k = plan.rules.findIndex((r) => r.code === which)
    if (k < 0) return { rows: [], rowCount: 0 }
    test = `= ${k + 1}`
    rowCount = counts[k + 1]
  }
  const limit = Math.max(0, endRow - startRow)
  if (limit === 0 || rowCount === 0) return { rows: [], rowCount }
  // flat, so that a scan in rowid order satisfies ORDER BY id and stops after the page (no sort of a million rows)
  const sql = `SELECT ${PREVIEW_ROW_COLUMNS}, ${plan.reason.sql} AS r FROM ${plan.from}
    WHERE (${plan.scope.sql}) AND (${plan.reason.sql}) ${test} ORDER BY id LIMIT ? OFFSET ?`
  const raw = db.prepare(sql).all(...plan.reason.params, ...plan.scope.params, ...plan.reason.params, limit, startRow) as Array<PreviewRow & { r: number }>
  const rows = raw.map(({ r, ...row }) => ({
    ...row,
    blockedReason: r === 0 ? null : plan.rules[r - 1].code,
    blockedLabel: r === 0 ? null : plan.rules[r - 1].label,
  }))
  return { rows: rows as PreviewRow[], rowCount }
}

// ---------------------------------------------------------------------------------------------------------------------
// The previews a workspace keeps (in memory: a preview is a short-lived promise about what a commit will write)

export interface StoredPreview {
  result: PreviewResult
  command: Command | null
  plan: CommandPlan | null
  agg: Aggregates | null
  /** a rollback: the compensating ops it computed */
  rollback: import('./rollback').RollbackPlan | null
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

export type { ConsoleCatalog }
