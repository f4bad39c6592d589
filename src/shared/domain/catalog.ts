// The demo catalog of docs/COMMAND-DSL.md. The demo workspace uses exactly these codes.

export type PlanKind = 'homefi' | 'mobile' | 'iot'

export interface Plan {
  code: string
  name: string
  kind: PlanKind
  monthlyCents: number
  /** null = unlimited */
  dataMb: number | null
}

export interface Addon {
  code: string
  name: string
  priceCents: number
  recurring: boolean
  /** data added this cycle, for top-ups */
  dataMb: number | null
}

export const PLANS: readonly Plan[] = [
  { code: 'HOMEFI_UNL', name: 'HomeFi Unlimited', kind: 'homefi', monthlyCents: 5500, dataMb: null },
  { code: 'HOMEFI_300', name: 'HomeFi 300GB', kind: 'homefi', monthlyCents: 4000, dataMb: 300 * 1024 },
  { code: 'UNL_PLUS', name: 'Unlimited Plus', kind: 'mobile', monthlyCents: 4500, dataMb: null },
  { code: 'DATA_15', name: 'Mobile 15GB', kind: 'mobile', monthlyCents: 3000, dataMb: 15 * 1024 },
  { code: 'DATA_5', name: 'Mobile 5GB', kind: 'mobile', monthlyCents: 2000, dataMb: 5 * 1024 },
  { code: 'DATA_1', name: 'Mobile 1GB', kind: 'mobile', monthlyCents: 1200, dataMb: 1024 },
  { code: 'IOT_500', name: 'IoT 500MB', kind: 'iot', monthlyCents: 500, dataMb: 500 },
]

export const ADDONS: readonly Addon[] = [
  { code: 'TOPUP_1GB', name: '1GB Data Top-up', priceCents: 500, recurring: false, dataMb: 1024 },
  { code: 'TOPUP_5GB', name: '5GB Data Top-up', priceCents: 1500, recurring: false, dataMb: 5 * 1024 },
  { code: 'INTL', name: 'International Calling', priceCents: 1000, recurring: true, dataMb: null },
  { code: 'HOTSPOT', name: 'Hotspot 10GB', priceCents: 1000, recurring: true, dataMb: null },
]

export const PLAN_BY_CODE: ReadonlyMap<string, Plan> = new Map(PLANS.map((p) => [p.code, p]))
export const ADDON_BY_CODE: ReadonlyMap<string, Addon> = new Map(ADDONS.map((a) => [a.code, a]))

/** Carrier rule (Verizon ThingSpace): at most 4 service-plan changes per line per month, none while suspended. */
export const MAX_PLAN_CHANGES_PER_MONTH = 4

/**
 * Carrier rule (Verizon ThingSpace): at most 5 provisioning actions (activate, suspend, restore, deactivate) per line per
 * day. Counted over the line events of these kinds on the clock's current day (the central side's push_apply_op).
 */
export const MAX_PROVISIONING_ACTIONS_PER_DAY = 5
export const PROVISIONING_EVENT_KINDS = ['activated', 'reactivated', 'suspended', 'resumed', 'disconnected'] as const
