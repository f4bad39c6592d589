// The demo generator's constants: the catalog's plans and add-ons by index, the plan mixes, the billing and dunning
// rules (fees, due days, autopay retries, dunning schedules, declines) and the usage shapes (daily noise, weekdays).
import { ADDONS, PLANS } from '../../shared/domain/catalog'
import { STATES } from './geo'
import { Rng, cumulative } from './rng'

export const P_HOMEFI_UNL = 0
export const P_HOMEFI_300 = 1
export const P_UNL_PLUS = 2
export const P_DATA_15 = 3
export const P_DATA_5 = 4
export const P_DATA_1 = 5
export const P_IOT_500 = 6
export const PLAN_CODES = PLANS.map((p) => p.code)
if (PLAN_CODES.join() !== 'HOMEFI_UNL,HOMEFI_300,UNL_PLUS,DATA_15,DATA_5,DATA_1,IOT_500') throw new Error('demo generator: catalog order changed')
export const PLAN_PRICE = PLANS.map((p) => p.monthlyCents)
export const PLAN_NAME = PLANS.map((p) => p.name)
export const PLAN_BUCKET = PLANS.map((p) => p.dataMb ?? 0) // 0 = unlimited
export const ADDON = new Map(ADDONS.map((a) => [a.code, a]))
export const INTL = ADDON.get('INTL')!
export const HOTSPOT = ADDON.get('HOTSPOT')!
export const TOPUP_1GB = ADDON.get('TOPUP_1GB')!
export const TOPUP_5GB = ADDON.get('TOPUP_5GB')!

/** consumer mobile plan mix (UNL_PLUS, DATA_15, DATA_5, DATA_1) */
export const CONSUMER_MOBILE = cumulative([30, 24, 30, 16])
export const CONSUMER_MOBILE_PLANS = [P_UNL_PLUS, P_DATA_15, P_DATA_5, P_DATA_1]
export const BUSINESS_MOBILE = cumulative([40, 35, 15, 10])

export const LATE_FEE_CENTS = 500
export const REACTIVATION_FEE_CENTS = 2500
export const DUE_DAYS = 7
/** autopay attempt offsets from the due date */
export const ATTEMPTS = [0, 1, 3, 7]
/** Reach-like consumer dunning: suspended on day 4, hotlined on day 12, disconnected on day 14 */
export const SCHEDULE_STANDARD = [4, 12, 14] as const
/** the extended schedule (businesses, some consumer plans): suspended on day 4, hotlined on day 30, disconnected on day 45 */
export const SCHEDULE_EXTENDED = [4, 30, 45] as const
export const RECONNECT_WINDOW = 30

export const DECLINES: ReadonlyArray<readonly [string, string]> = [
  ['530', 'Do Not Honor'],
  ['521', 'Insufficient Funds'],
  ['302', 'Credit Floor'],
]
export const DECLINE_CUM = cumulative([40, 45, 15])

export const STATE_CUM = cumulative(STATES.map((s) => s.weight))

/** daily multiplier noise: lognormal(0, 0.55) normalized to mean 1, 4096 entries */
export const NOISE = (() => {
  const r = new Rng(0x5eed, 7)
  const t = new Float64Array(4096)
  let s = 0
  for (let i = 0; i < t.length; i++) {
    t[i] = Math.exp(0.55 * r.normal())
    s += t[i]
  }
  const mean = s / t.length
  for (let i = 0; i < t.length; i++) t[i] /= mean
  return t
})()
export const WEEKDAY_HOME = [1.18, 0.95, 0.93, 0.94, 0.95, 1.0, 1.2]
export const WEEKDAY_MOBILE = [0.9, 1.02, 1.03, 1.03, 1.04, 1.06, 0.95]

export function money(cents: number): string {
  const neg = cents < 0
  const c = Math.abs(cents)
  return `${neg ? '-' : ''}$${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`
}
