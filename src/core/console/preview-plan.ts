// Planning a preview: the rules that can block each line, the money, and the access path (index or scan, and which
// index) that SQLite is told to take for the cohort.
import type { Command } from '../../shared/command/schema'
import type { Db } from '../store'
import { cycleWeights } from './catalog'
import { compileCondition, compileScope, type CompileContext, type SqlFragment } from './cohort-sql'
import type { CommandPlan } from './preview-aggregates'
import { groupable, groupsTableReady } from './preview-grouped'
import { moneyFor, provisioningLimitedLines, reasonExpr, rulesFor } from './rules'

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
