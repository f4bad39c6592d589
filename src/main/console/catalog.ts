// What the console prices and checks against: the workspace's own catalog (the synced `plans` and `addons` tables,
// falling back to the demo catalog for a store that has none yet) and the demo clock `meta('as_of')`.
import { ADDONS, PLANS } from '../../shared/domain/catalog'
import type { Db } from '../db/open'

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
 * that is up to date; the cycle day is what stays right on a stale one, and it makes the preview's SQL integer-only).
 */
export function cycleRemainder(cycleDay: number, asOf: string): { rem: number; len: number } {
  const y = Number(asOf.slice(0, 4))
  const m = Number(asOf.slice(5, 7))
  const d = Number(asOf.slice(8, 10))
  const dimM = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const dimPrev = new Date(Date.UTC(y, m - 1, 0)).getUTCDate()
  return cycleDay <= d ? { rem: dimM - d + cycleDay, len: dimM } : { rem: cycleDay - d, len: dimPrev }
}

/** The same as cycleRemainder, as integer SQL over `cycle_day`: rem·64 + len. */
export function cycleRemainderSql(asOf: string): string {
  const y = Number(asOf.slice(0, 4))
  const m = Number(asOf.slice(5, 7))
  const d = Number(asOf.slice(8, 10))
  const dimM = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const dimPrev = new Date(Date.UTC(y, m - 1, 0)).getUTCDate()
  return `(CASE WHEN cycle_day <= ${d} THEN (${dimM - d} + cycle_day) * 64 + ${dimM} ELSE (cycle_day - ${d}) * 64 + ${dimPrev} END)`
}

/** round(delta × rem / len), half away from zero, in exact integer arithmetic (the same as the SQL in money.ts). */
export function prorate(deltaCents: number, rem: number, len: number): number {
  if (deltaCents === 0 || len <= 0) return 0
  const sign = deltaCents < 0 ? -1 : 1
  return sign * Math.floor((2 * Math.abs(deltaCents) * rem + len) / (2 * len))
}

/** The workspace's demo clock, or today (UTC) for a store without one. */
export function asOfOf(meta: (key: string) => string | null): { asOf: string; fromClock: boolean } {
  const v = meta('as_of')
  if (v && /^\d{4}-\d{2}-\d{2}/.test(v)) return { asOf: v.slice(0, 10), fromClock: true }
  return { asOf: new Date().toISOString().slice(0, 10), fromClock: false }
}
