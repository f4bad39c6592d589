// What the console prices and checks against: the workspace's own catalog (the synced `plans` and `addons` tables,
// falling back to the demo catalog for a store that has none yet) and the demo clock `meta('as_of')`.
import { ADDONS, PLANS } from '../../shared/domain/catalog'
import type { Db } from '../store'

export interface PlanInfo {
  code: string
  monthlyCents: number
  /** null = unlimited */
  dataMb: number | null
}
export interface AddonInfo {
  code: string
  priceCents: number
  recurring: boolean
}

export interface ConsoleCatalog {
  plans: Map<string, PlanInfo>
  addons: Map<string, AddonInfo>
}

export function loadCatalog(db: Db): ConsoleCatalog {
  const plans = new Map<string, PlanInfo>()
  const addons = new Map<string, AddonInfo>()
  const planRows = db.prepare('SELECT code, monthly_cents AS monthlyCents, data_mb AS dataMb FROM plans').all() as PlanInfo[]
  for (const p of planRows.length > 0 ? planRows : PLANS) plans.set(p.code, { code: p.code, monthlyCents: p.monthlyCents, dataMb: p.dataMb })
  const addonRows = db.prepare('SELECT code, price_cents AS priceCents, recurring FROM addons').all() as Array<{ code: string; priceCents: number; recurring: number | boolean }>
  const list = addonRows.length > 0 ? addonRows : ADDONS
  for (const a of list) addons.set(a.code, { code: a.code, priceCents: a.priceCents, recurring: Boolean(a.recurring) })
  return { plans, addons }
}

const DAY_MS = 86_400_000

function parseDay(d: string): number {
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)))
}
function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** `date + n days`, YYYY-MM-DD (UTC calendar arithmetic, like SQLite's date()). */
export function addDays(date: string, n: number): string {
  return formatDay(parseDay(date) + n * DAY_MS)
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseDay(b) - parseDay(a)) / DAY_MS)
}

/**
 * The part of a line's current billing cycle that is left on `asOf`: `rem` days (as_of included, the next cycle start
 * excluded) out of `len` days. A line's cycle starts on its `cycle_day` (1..28) of each month, so the current cycle is
 * the one that started on the last cycle_day on or before as_of (its `cycle_start` column says the same for a line
 * that is up to date; the cycle day is what stays right on a stale one, and it keeps the preview's SQL integer-only).
 */
export function cycleRemainder(cycleDay: number, asOf: string): { rem: number; len: number } {
  const { d, dimM, dimPrev } = clockParts(asOf)
  return cycleDay <= d ? { rem: dimM - d + cycleDay, len: dimM } : { rem: cycleDay - d, len: dimPrev }
}

function clockParts(asOf: string): { d: number; dimM: number; dimPrev: number } {
  const y = Number(asOf.slice(0, 4))
  const m = Number(asOf.slice(5, 7))
  return { d: Number(asOf.slice(8, 10)), dimM: new Date(Date.UTC(y, m, 0)).getUTCDate(), dimPrev: new Date(Date.UTC(y, m - 1, 0)).getUTCDate() }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/**
 * Proration in exact integers: a line's remaining fraction rem/len is w/L with L = lcm of the two cycle lengths that
 * occur on as_of (this month's and last month's) and w = rem·L/len. The proration of a batch is round(Σ delta·w / L),
 * rounded once for the batch, half away from zero.
 */
export function cycleWeights(asOf: string): { L: number; weight: (cycleDay: number) => number; sql: string } {
  const { d, dimM, dimPrev } = clockParts(asOf)
  const L = (dimM * dimPrev) / gcd(dimM, dimPrev)
  const fM = L / dimM
  const fP = L / dimPrev
  return {
    L,
    weight: (cd) => (cd <= d ? (dimM - d + cd) * fM : (cd - d) * fP),
    sql: `(CASE WHEN cycle_day <= ${d} THEN (${dimM - d} + cycle_day) * ${fM} ELSE (cycle_day - ${d}) * ${fP} END)`,
  }
}

/** round(numerator / L), half away from zero, exact for integer numerators. */
export function prorationTotal(numerator: bigint | number, L: number): number {
  const n = BigInt(numerator)
  const l = BigInt(L)
  const sign = n < 0n ? -1n : 1n
  const abs = n < 0n ? -n : n
  return Number(sign * ((2n * abs + l) / (2n * l)))
}

/** The workspace's demo clock, or today (UTC) for a store without one. */
export function asOfOf(meta: (key: string) => string | null): { asOf: string; fromClock: boolean } {
  const v = meta('as_of')
  if (v && /^\d{4}-\d{2}-\d{2}/.test(v)) return { asOf: v.slice(0, 10), fromClock: true }
  return { asOf: new Date().toISOString().slice(0, 10), fromClock: false }
}
