// Evaluating a plan: the aggregates of one pass over the matched lines (or of the groups, see preview-grouped.ts), and
// the SQL a preview runs, for EXPLAIN QUERY PLAN checks. SQLite's per-row cost is mostly one call per aggregate, so the
// aggregates are few: the reason counters are packed three to a sum (21 bits each), the fingerprint is one sum, and the
// money is summed only when the command has any (a constant MRR delta is multiplied out in JS).
import type { Db } from '../store'
import { prorationTotal } from './catalog'
import type { SqlFragment } from './cohort-sql'
import { FP_ID_FACTOR, type Aggregates, type CommandPlan } from './preview-aggregates'
import { evaluateGrouped, groupedSql, groupsTableReady } from './preview-grouped'

/** Bits per reason counter when counters are packed three to a 64-bit sum (up to 2,097,151 lines per counter). */
const PACK_BITS = 21

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
