// Scopes and cohort conditions → one parameterized WHERE clause on `lines`. Only the contract's whitelisted fields
// compile (anything else is BAD_INPUT); values are always bound, never spliced. Every field maps onto an indexed column
// of `lines` (the account figures are denormalized there), except the comma-separated `tag`/`addon` lists, which are
// residual filters on whatever the other conditions (or a scan) select.
//
// Semantics (a naive JS filter in cohort-sql.test.ts states them once more, and the property test holds both equal):
// - data_remaining_mb = plan bucket + topup_mb − data_used_mb; a line on an unlimited plan (or an unknown plan) never
//   matches any test on it, `!=` included.
// - tenure_days = as_of − activated_at in whole days; a line that was never activated never matches (nor does it match
//   any test on activated_at). Tests on tenure compile to range tests on activated_at, so they use its index.
// - tag / addon: `=` has it, `!=` lacks it; `in` has any of them, `not in` has none of them.
import type { Condition, Scope } from '../../shared/command/schema'
import { AppError } from '../../shared/api/errors'
import { addDays, type ConsoleCatalog } from './catalog'

export interface SqlFragment {
  sql: string
  params: unknown[]
}

export interface CompileContext {
  asOf: string
  catalog: ConsoleCatalog
}

type Cmp = '=' | '!=' | '<' | '<=' | '>' | '>='
const CMP_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>='])

/** Fields that are one column of `lines`. */
const COLUMN: Record<string, string> = {
  plan: 'plan_code',
  status: 'status',
  data_used_mb: 'data_used_mb',
  failed_payments: 'failed_payments',
  past_due_cents: 'past_due_cents',
  days_past_due: 'days_past_due',
  wallet_cents: 'wallet_cents',
  activated_at: 'activated_at',
  state: 'state',
  zip: 'zip',
  account_type: 'account_type',
  account: 'account_id',
}
const NUMERIC = new Set(['data_used_mb', 'data_remaining_mb', 'failed_payments', 'past_due_cents', 'days_past_due', 'wallet_cents', 'tenure_days'])
const LIST_FIELDS: Record<string, string> = { tag: 'tags', addon: 'addons' }

function bad(message: string): never {
  throw new AppError('BAD_INPUT', message)
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

function checkValue(field: string, v: unknown): void {
  if (NUMERIC.has(field)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${field} needs a number, got ${JSON.stringify(v)}`)
  } else if (typeof v !== 'string') bad(`${field} needs a text value, got ${JSON.stringify(v)}`)
}

function setOrScalar(c: { field: string; op: string; value: unknown }): { set: unknown[] | null; scalar: unknown } {
  if (c.op === 'in' || c.op === 'not in') {
    if (!Array.isArray(c.value)) bad(`${c.field} ${c.op} needs a list of values`)
    for (const v of c.value) checkValue(c.field, v)
    return { set: c.value, scalar: undefined }
  }
  if (!CMP_OPS.has(c.op)) bad(`unknown operator ${JSON.stringify(c.op)}`)
  if (Array.isArray(c.value)) bad(`${c.field} ${c.op} needs one value, not a list`)
  checkValue(c.field, c.value)
  return { set: null, scalar: c.value }
}

function columnTest(col: string, op: string, set: unknown[] | null, scalar: unknown): SqlFragment {
  if (set) {
    if (set.length === 0) return { sql: op === 'in' ? '0' : `${col} IS NOT NULL`, params: [] }
    return { sql: `${col} ${op === 'in' ? 'IN' : 'NOT IN'} (${placeholders(set.length)})`, params: set }
  }
  return { sql: `${col} ${op} ?`, params: [scalar] }
}

/** The SQL value of a line's remaining data (only meaningful for plans with a bucket). */
export function remainingExpr(catalog: ConsoleCatalog): SqlFragment & { limitedPlans: string[] } {
  const limited = [...catalog.plans.values()].filter((p) => p.dataMb !== null)
  if (limited.length === 0) return { sql: 'NULL', params: [], limitedPlans: [] }
  return {
    sql: `(CASE plan_code ${limited.map((p) => `WHEN ? THEN ${Math.trunc(p.dataMb!)}`).join(' ')} END + topup_mb - data_used_mb)`,
    params: limited.map((p) => p.code),
    limitedPlans: limited.map((p) => p.code),
  }
}

/**
 * tenure_days OP n ⇔ activated_at OP' (as_of − n days); integer tenure, so a fractional bound is rounded to the
 * whole days that satisfy it.
 */
function tenureTest(op: string, set: unknown[] | null, scalar: unknown, asOf: string): SqlFragment {
  const dateOf = (n: number) => addDays(asOf, -n)
  if (set) {
    const days = (set as number[]).filter((n) => Number.isInteger(n)).map(dateOf)
    if (op === 'in') return days.length === 0 ? { sql: '0', params: [] } : { sql: `activated_at IN (${placeholders(days.length)})`, params: days }
    return days.length === 0
      ? { sql: 'activated_at IS NOT NULL', params: [] }
      : { sql: `activated_at NOT IN (${placeholders(days.length)})`, params: days }
  }
  const n = scalar as number
  switch (op as Cmp) {
    case '>': // tenure ≥ floor(n)+1 ⇔ activated_at ≤ as_of − (floor(n)+1)
      return { sql: 'activated_at <= ?', params: [dateOf(Math.floor(n) + 1)] }
    case '>=':
      return { sql: 'activated_at <= ?', params: [dateOf(Math.ceil(n))] }
    case '<': // tenure ≤ ceil(n)−1 ⇔ activated_at ≥ as_of − (ceil(n)−1)
      return { sql: 'activated_at >= ?', params: [dateOf(Math.ceil(n) - 1)] }
    case '<=':
      return { sql: 'activated_at >= ?', params: [dateOf(Math.floor(n))] }
    case '=':
      return Number.isInteger(n) ? { sql: 'activated_at = ?', params: [dateOf(n)] } : { sql: '0', params: [] }
    case '!=':
      return Number.isInteger(n) ? { sql: 'activated_at != ?', params: [dateOf(n)] } : { sql: 'activated_at IS NOT NULL', params: [] }
  }
}

function listTest(col: string, op: string, set: unknown[] | null, scalar: unknown): SqlFragment {
  // a substring test first (no allocation); the exact comma-delimited test only where the text occurs at all
  const has = `(instr(${col}, ?) > 0 AND instr(',' || ${col} || ',', ?) > 0)`
  const lacks = `(instr(${col}, ?) = 0 OR instr(',' || ${col} || ',', ?) = 0)`
  const pair = (v: unknown) => [String(v), `,${String(v)},`]
  if (set) {
    if (set.length === 0) return { sql: op === 'in' ? '0' : '1', params: [] }
    const one = op === 'in' ? has : lacks
    return { sql: `(${set.map(() => one).join(op === 'in' ? ' OR ' : ' AND ')})`, params: set.flatMap(pair) }
  }
  if (op === '=') return { sql: has, params: pair(scalar) }
  if (op === '!=') return { sql: lacks, params: pair(scalar) }
  return bad(`${col === 'tags' ? 'tag' : 'addon'} takes = (has) or != (lacks), not ${op}`)
}

export function compileCondition(c: Condition | { field: string; op: string; value: unknown }, ctx: CompileContext): SqlFragment {
  const { field, op } = c
  const { set, scalar } = setOrScalar(c)
  if (field in COLUMN) return columnTest(COLUMN[field], op, set, scalar)
  if (field in LIST_FIELDS) return listTest(LIST_FIELDS[field], op, set, scalar)
  if (field === 'tenure_days') return tenureTest(op, set, scalar, ctx.asOf)
  if (field === 'data_remaining_mb') {
    const rem = remainingExpr(ctx.catalog)
    if (rem.limitedPlans.length === 0) return { sql: '0', params: [] }
    const test = columnTest(rem.sql, op, set, scalar)
    return {
      sql: `plan_code IN (${placeholders(rem.limitedPlans.length)}) AND ${test.sql}`,
      params: [...rem.limitedPlans, ...rem.params, ...test.params],
    }
  }
  return bad(`unknown cohort field ${JSON.stringify(field)}`)
}

export function compileWhere(where: readonly Condition[], ctx: CompileContext): SqlFragment {
  if (where.length === 0) return { sql: '1', params: [] }
  const parts = where.map((c) => compileCondition(c, ctx))
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) }
}

/** The WHERE clause (on `lines`) of any scope. A list travels as one JSON parameter, probed through lines_msisdn. */
export function compileScope(scope: Scope, ctx: CompileContext): SqlFragment {
  switch (scope.kind) {
    case 'line':
      return { sql: 'msisdn = ?', params: [scope.msisdn] }
    case 'account':
      return { sql: 'account_id = ?', params: [scope.account] }
    case 'list':
      return { sql: 'msisdn IN (SELECT value FROM json_each(?))', params: [JSON.stringify(scope.msisdns)] }
    case 'cohort':
      return compileWhere(scope.where, ctx)
  }
}
