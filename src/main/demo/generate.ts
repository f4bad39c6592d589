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
import { luhnCheckDigit } from '../../shared/domain/msisdn'
import { DayNames, dayOf, dayOfYm, daysInYm, domOfDay, isoDay, parseIsoDay, stamp, weekday, ymIso, ymOfDay } from './dates'
import { STATES, type StateInfo } from './geo'
import {
  AGENTS,
  BUSINESS_KINDS,
  BUSINESS_SUFFIXES,
  BUSINESS_WORDS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  PORT_OUT_CARRIERS,
  STREET_NAMES,
  STREET_SUFFIXES,
  TACS_HOMEFI,
  TACS_IOT,
  TACS_MOBILE,
} from './names'
import { AppError } from '../../shared/api/errors'
import type { Db } from '../db/open'
import { Rng, cumulative } from './rng'
import { SqliteDemoSink } from './sqlite-sink'
import type {
  AccountRowOut,
  CareRowOut,
  DemoSink,
  DemoTable,
  InvoiceItemRowOut,
  InvoiceRowOut,
  LineEventRowOut,
  LineRowOut,
  PaymentRowOut,
  UsageCycleRowOut,
  UsageDailyRowOut,
} from './sink'

/** Bump when the generated data changes, so cached bench workspaces are rebuilt. */
export const DEMO_GENERATOR_VERSION = '1'

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
}

export interface DemoProgress {
  phase: 'generate' | 'index' | 'finish' | 'done'
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
}

// ---------------------------------------------------------------------------------------------------------------------
// Catalog indexes and constants

const P_HOMEFI_UNL = 0
const P_HOMEFI_300 = 1
const P_UNL_PLUS = 2
const P_DATA_15 = 3
const P_DATA_5 = 4
const P_DATA_1 = 5
const P_IOT_500 = 6
const PLAN_CODES = PLANS.map((p) => p.code)
if (PLAN_CODES.join() !== 'HOMEFI_UNL,HOMEFI_300,UNL_PLUS,DATA_15,DATA_5,DATA_1,IOT_500') throw new Error('demo generator: catalog order changed')
const PLAN_PRICE = PLANS.map((p) => p.monthlyCents)
const PLAN_NAME = PLANS.map((p) => p.name)
const PLAN_BUCKET = PLANS.map((p) => p.dataMb ?? 0) // 0 = unlimited
const ADDON = new Map(ADDONS.map((a) => [a.code, a]))
const INTL = ADDON.get('INTL')!
const HOTSPOT = ADDON.get('HOTSPOT')!
const TOPUP_1GB = ADDON.get('TOPUP_1GB')!
const TOPUP_5GB = ADDON.get('TOPUP_5GB')!

/** consumer mobile plan mix (UNL_PLUS, DATA_15, DATA_5, DATA_1) */
const CONSUMER_MOBILE = cumulative([30, 24, 30, 16])
const CONSUMER_MOBILE_PLANS = [P_UNL_PLUS, P_DATA_15, P_DATA_5, P_DATA_1]
const BUSINESS_MOBILE = cumulative([40, 35, 15, 10])

const LATE_FEE_CENTS = 500
const REACTIVATION_FEE_CENTS = 2500
const DUE_DAYS = 7
/** autopay attempt offsets from the due date */
const ATTEMPTS = [0, 1, 3, 7]
const SUSPEND_DAY = 4
const HOTLINE_DAY = 12
const DISCONNECT_DAY = 14
const RECONNECT_WINDOW = 30

const DECLINES: ReadonlyArray<readonly [string, string]> = [
  ['530', 'Do Not Honor'],
  ['521', 'Insufficient Funds'],
  ['302', 'Credit Floor'],
]
const DECLINE_CUM = cumulative([40, 45, 15])

const STATE_CUM = cumulative(STATES.map((s) => s.weight))

/** daily multiplier noise: lognormal(0, 0.55) normalized to mean 1, 4096 entries */
const NOISE = (() => {
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
const WEEKDAY_HOME = [1.18, 0.95, 0.93, 0.94, 0.95, 1.0, 1.2]
const WEEKDAY_MOBILE = [0.9, 1.02, 1.03, 1.03, 1.04, 1.06, 0.95]

function money(cents: number): string {
  const neg = cents < 0
  const c = Math.abs(cents)
  return `${neg ? '-' : ''}$${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`
}

// ---------------------------------------------------------------------------------------------------------------------
// Per-account simulation state

interface Ev {
  day: number
  sec: number
  kind: string
  detail: string
  reason: string | null
  actor: string
}

interface LineSim {
  id: number
  msisdn: string
  last4: string
  iccid: string
  imei: string
  plan0: number
  plan1: number
  /** day the plan changed from plan0 to plan1 (Infinity: never) */
  planDay: number
  intl: number // day INTL was added (Infinity: never)
  hotspot: number
  pending: boolean
  activated: number // activation day (or order day when pending)
  churn: number // voluntary disconnection day (Infinity)
  churnReason: string
  /** effective disconnection day (Infinity) */
  disc: number
  discByDunning: boolean
  /** dunning status of the line: 0 none, 1 suspended, 2 hotlined */
  dun: number
  reactivated: number // last reactivation day (-Infinity)
  events: Ev[]
  rate: number // MB/day
  smsRate: number
  voiceRate: number
  tags: string[]
  /** top-ups by cycle index: [cycleIdx, code, day] */
  topups: Array<[number, string, number]>
}

interface InvoiceSim {
  id: number
  cycle: number
  issued: number
  due: number
  items: InvoiceItemRowOut[]
  subtotal: number
  tax: number
  total: number
  paidDay: number // Infinity while unpaid
  /** index (in the account's invoice list) of the oldest unpaid invoice when this one was issued */
  firstUnpaidAtIssue: number
}

interface PaymentSim {
  day: number
  sec: number
  invoiceIdx: number
  firstUnpaid: number
  ok: boolean
  code: number // decline index
  manual: boolean
}

// ---------------------------------------------------------------------------------------------------------------------

/** Generates the demo workspace into any sink (the local SQLite store, the central Postgres database…). */
export async function generateDemoInto(sink: DemoSink, opts: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoSummary> {
  const t0 = performance.now()
  const N = Math.floor(opts.lines)
  if (!(N >= 1)) throw new Error('lines must be at least 1')
  const M = Math.floor(opts.months ?? 24)
  if (!(M >= 1 && M <= 120)) throw new Error('months must be between 1 and 120')
  const seed = Math.floor(opts.seed ?? 1)
  const asOfIso = opts.asOf ?? new Date().toISOString().slice(0, 10)
  const asOf = parseIsoDay(asOfIso)
  const homefiShare = opts.homefiShare ?? 0.12
  const businessShare = opts.businessShare ?? 0.06
  const dailyMonths = Math.max(1, Math.floor(opts.dailyMonths ?? 4))
  const batchLines = Math.max(1, Math.floor(opts.batchLines ?? 5000))

  const asOfYm = ymOfDay(asOf)
  const asOfDom = domOfDay(asOf)
  const windowStart = dayOfYm(asOfYm - M, Math.min(asOfDom, 28)) + 1
  const windowDays = asOf - windowStart + 1
  const dailyStartYm = asOfYm - dailyMonths + 1
  const dailyStart = dayOfYm(dailyStartYm, 1)
  const baseShare = Math.min(0.9, Math.max(0.3, 1 - M * 0.028))
  const days = new DayNames(windowStart - 2200, asOf + 40)
  const asOfYmIso = ymIso(asOfYm)

  // cycle starts per cycle day: from before the daily window / history window to the cycle after the as-of date
  const firstYm = Math.min(asOfYm - M - 1, dailyStartYm - 1)
  const cycleStartsByDay: number[][] = [[]]
  for (let cd = 1; cd <= 28; cd++) {
    const arr: number[] = []
    for (let ym = firstYm; ; ym++) {
      const d = dayOfYm(ym, cd)
      arr.push(d)
      if (d > asOf) break
    }
    cycleStartsByDay.push(arr)
  }

  const rows: Record<DemoTable, number> = {
    plans: 0, addons: 0, accounts: 0, lines: 0, usage_cycles: 0, usage_daily: 0, invoices: 0, invoice_items: 0,
    payments: 0, care_interactions: 0, line_events: 0, meta: 0,
  }

  await sink.begin({ lines: N, months: M, seed, asOf: asOfIso })
  await sink.plans(PLANS.map((p) => ({ code: p.code, name: p.name, kind: p.kind, monthly_cents: p.monthlyCents, data_mb: p.dataMb })))
  rows.plans = PLANS.length
  await sink.addons(ADDONS.map((a) => ({ code: a.code, name: a.name, price_cents: a.priceCents, recurring: a.recurring ? 1 : 0, data_mb: a.dataMb })))
  rows.addons = ADDONS.length

  // batch buffers
  let bAccounts: AccountRowOut[] = []
  let bLines: LineRowOut[] = []
  let bCycles: UsageCycleRowOut[] = []
  let bDaily: UsageDailyRowOut[] = []
  let bInvoices: InvoiceRowOut[] = []
  let bItems: InvoiceItemRowOut[] = []
  let bPayments: PaymentRowOut[] = []
  let bCare: CareRowOut[] = []
  let bEvents: LineEventRowOut[] = []

  async function flush(): Promise<void> {
    rows.accounts += bAccounts.length
    rows.lines += bLines.length
    rows.usage_cycles += bCycles.length
    rows.usage_daily += bDaily.length
    rows.invoices += bInvoices.length
    rows.invoice_items += bItems.length
    rows.payments += bPayments.length
    rows.care_interactions += bCare.length
    rows.line_events += bEvents.length
    await sink.accounts(bAccounts)
    await sink.lines(bLines)
    await sink.usageCycles(bCycles)
    await sink.usageDaily(bDaily)
    await sink.invoices(bInvoices)
    await sink.invoiceItems(bItems)
    await sink.payments(bPayments)
    await sink.careInteractions(bCare)
    await sink.lineEvents(bEvents)
    bAccounts = []
    bLines = []
    bCycles = []
    bDaily = []
    bInvoices = []
    bItems = []
    bPayments = []
    bCare = []
    bEvents = []
  }

  const usedMsisdn = new Set<number>()
  const accountDigits = N >= 1_500_000 ? 7 : 6
  const scratch = new Int32Array(asOf - dailyStart + 1)
  let lineId = 0
  let invoiceId = 0
  let itemId = 0
  let paymentId = 0
  let careId = 0
  let eventId = 0
  let accountIdx = 0
  let linesInBatch = 0
  onProgress?.({ phase: 'generate', done: 0, total: N })

  /** growth curve: fraction u of all lines → the account's creation day */
  function createdDay(u: number): number {
    if (u < baseShare) {
      const t = u / baseShare
      return windowStart - 1 - Math.round(1800 * (1 - t) * (1 - t))
    }
    const s = (u - baseShare) / (1 - baseShare)
    const g = 1.5
    const x = (-1 + Math.sqrt(1 + 2 * g * s * (1 + g / 2))) / g
    return Math.min(asOf, windowStart + Math.floor(x * windowDays))
  }

  function newMsisdn(rng: Rng, st: StateInfo): number {
    for (;;) {
      const npa = st.areaCodes[rng.int(st.areaCodes.length)]
      let nxx = 200 + rng.int(800)
      if (nxx === 555 || nxx % 100 === 11) nxx += 1
      const n = npa * 1e7 + nxx * 1e4 + rng.int(10000)
      if (!usedMsisdn.has(n)) {
        usedMsisdn.add(n)
        return n
      }
    }
  }

  while (lineId < N) {
    const rng = new Rng(seed, accountIdx + 1)
    accountIdx++
    const acctId = `ACC-${String(accountIdx).padStart(accountDigits, '0')}`
    const business = rng.chance(businessShare)
    // --- lines count
    let nLines: number
    if (business) {
      nLines = Math.min(80, 2 + Math.floor(rng.pareto(1, 1.25)) + rng.int(3))
    } else {
      const x = rng.next()
      nLines = x < 0.58 ? 1 : x < 0.8 ? 2 : x < 0.91 ? 3 : x < 0.97 ? 4 : 5
    }
    nLines = Math.min(nLines, N - lineId)
    const created = createdDay((lineId + rng.next() * nLines) / N)

    // --- identity
    const st = STATES[rng.weighted(STATE_CUM)]
    const [zip, city] = st.zips[rng.int(st.zips.length)]
    const first = rng.pick(FIRST_NAMES)
    const last = rng.pick(LAST_NAMES)
    let name: string
    let email: string
    const lastSlug = last.toLowerCase().replace(/[^a-z]/g, '')
    if (business) {
      const word = rng.chance(0.5) ? rng.pick(BUSINESS_WORDS) : last
      name = `${word} ${rng.pick(BUSINESS_KINDS)} ${rng.pick(BUSINESS_SUFFIXES)}`
      const slug = name.toLowerCase().replace(/ (llc|inc|co|group|corp|partners)$/, '').replace(/[^a-z]+/g, '')
      email = `${rng.pick(['billing', 'office', 'admin', 'accounts', first.toLowerCase()])}@${slug}.com`
    } else {
      name = `${first} ${last}`
      const f = first.toLowerCase()
      const style = rng.int(4)
      const local = style === 0 ? `${f}.${lastSlug}` : style === 1 ? `${f[0]}${lastSlug}` : style === 2 ? `${f}${lastSlug}${rng.range(1, 99)}` : `${f}.${lastSlug}${rng.range(1950, 2005)}`
      email = `${local}@${rng.pick(EMAIL_DOMAINS)}`
    }
    const street = `${rng.range(100, 9899)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}${business && rng.chance(0.4) ? ` Suite ${rng.range(100, 900)}` : ''}`
    const cycleDay = 1 + rng.int(28)
    const starts = cycleStartsByDay[cycleDay]
    // index of the current cycle (last start <= asOf) and of the first cycle in the history window
    const cur = starts.length - 2
    const firstCycle = cur - M + 1
    const methodToken = `pm_${rng.u32().toString(36)}${rng.u32().toString(36)}`

    // --- payer profile
    const pr = rng.next()
    type Profile = 'good' | 'flaky' | 'delinquent' | 'hold'
    const profile: Profile = business
      ? pr < 0.8 ? 'good' : pr < 0.9 ? 'flaky' : pr < 0.98 ? 'hold' : 'delinquent'
      : pr < 0.85 ? 'good' : pr < 0.94 ? 'flaky' : pr < 0.985 ? 'delinquent' : 'hold'
    // failing cycles [failFrom, failTo) for delinquent/hold, weighted towards recent cycles
    let failFrom = Infinity
    let failTo = Infinity
    if (profile === 'delinquent' || profile === 'hold') {
      const span = profile === 'hold' ? Math.min(M, 4) : M
      failFrom = cur - Math.floor(span * Math.pow(rng.next(), 1.6))
      if (rng.chance(profile === 'hold' ? 0.25 : 0.55)) failTo = failFrom + 1 + Math.floor(rng.exp(1.2))
    }
    const vip = rng.chance(0.02)

    // --- lines
    const ls: LineSim[] = []
    const homefiAccount = !business && rng.chance(homefiShare * 1.75)
    for (let k = 0; k < nLines; k++) {
      lineId++
      let plan: number
      if (homefiAccount && k === 0) plan = rng.chance(0.55) ? P_HOMEFI_UNL : P_HOMEFI_300
      else if (business) {
        const x = rng.next()
        plan = x < 0.3 ? P_IOT_500 : x < 0.34 ? (rng.chance(0.5) ? P_HOMEFI_UNL : P_HOMEFI_300) : [P_UNL_PLUS, P_DATA_15, P_DATA_5, P_DATA_1][rng.weighted(BUSINESS_MOBILE)]
      } else plan = rng.chance(0.04) ? P_IOT_500 : CONSUMER_MOBILE_PLANS[rng.weighted(CONSUMER_MOBILE)]
      const kind = plan <= P_HOMEFI_300 ? 'homefi' : plan === P_IOT_500 ? 'iot' : 'mobile'
      // activation: most lines with the account, some added later, a few still pending
      let activated = created
      if (k > 0 && rng.chance(0.28)) activated = created + Math.floor(rng.next() * (asOf - created + 1))
      let pending = false
      if (activated > asOf - 3 && rng.chance(0.35)) pending = true
      // churn: monthly hazard from the later of activation and the window start
      const hazard = business ? 0.008 : kind === 'homefi' ? 0.014 : 0.018
      const from = Math.max(activated, windowStart)
      const churnAt = from + Math.floor(rng.exp(30.4 / hazard))
      const churn = !pending && churnAt <= asOf ? churnAt : Infinity
      // plan change (same family), at most one in the window
      let plan1 = plan
      let planDay = Infinity
      if (!pending && kind !== 'iot' && rng.chance(Math.min(0.5, 0.012 * M))) {
        const d = Math.max(activated + 20, windowStart) + Math.floor(rng.next() * windowDays)
        if (d <= asOf && d < churn) {
          planDay = d
          if (kind === 'homefi') plan1 = plan === P_HOMEFI_UNL ? P_HOMEFI_300 : P_HOMEFI_UNL
          else {
            // mostly upgrades (ran out of data), some downgrades
            const up = rng.chance(0.7)
            const order = [P_DATA_1, P_DATA_5, P_DATA_15, P_UNL_PLUS]
            const i = order.indexOf(plan)
            plan1 = order[Math.max(0, Math.min(3, i + (up ? 1 : -1)))]
            if (plan1 === plan) plan1 = order[up ? i - 1 : i + 1]
          }
        }
      }
      const intl = kind === 'mobile' && rng.chance(business ? 0.12 : 0.08) ? (rng.chance(0.6) ? activated : activated + Math.floor(rng.next() * (asOf - activated + 1))) : Infinity
      const hotspot = kind === 'mobile' && plan !== P_DATA_1 && rng.chance(0.1) ? (rng.chance(0.5) ? activated : activated + Math.floor(rng.next() * (asOf - activated + 1))) : Infinity
      // usage rate, MB/day
      let monthly: number
      switch (plan1) {
        case P_HOMEFI_UNL: monthly = rng.lognormal(420 * 1024, 0.55); break
        case P_HOMEFI_300: monthly = rng.lognormal(230 * 1024, 0.35); break
        case P_UNL_PLUS: monthly = rng.lognormal(16 * 1024, 0.85); break
        case P_IOT_500: monthly = rng.lognormal(0.3 * 500, 0.8); break
        default: monthly = PLAN_BUCKET[plan1] * rng.lognormal(0.62, 0.45)
      }
      if (kind !== 'iot' && rng.chance(0.02)) monthly *= rng.pareto(1, 1.6)
      const rate = Math.min(monthly / 30.4, kind === 'homefi' ? 60000 : 12000)
      const n = newMsisdn(rng, st)
      const ms = String(n)
      const iccBody = `8901${kind === 'iot' ? '480' : '260'}${String(31_000_000_000 + lineId * 7 + rng.int(7)).padStart(11, '0')}`
      const tacs = kind === 'homefi' ? TACS_HOMEFI : kind === 'iot' ? TACS_IOT : TACS_MOBILE
      const imeiBody = `${tacs[rng.int(tacs.length)]}${String(rng.int(1_000_000)).padStart(6, '0')}`
      ls.push({
        id: lineId,
        msisdn: `+1${ms}`,
        last4: ms.slice(6),
        iccid: iccBody + luhnCheckDigit(iccBody),
        imei: imeiBody + luhnCheckDigit(imeiBody),
        plan0: plan,
        plan1,
        planDay,
        intl,
        hotspot,
        pending,
        activated,
        churn,
        churnReason: '',
        disc: churn,
        discByDunning: false,
        dun: 0,
        reactivated: -Infinity,
        events: [],
        rate,
        smsRate: kind === 'mobile' ? rng.lognormal(9, 0.9) : kind === 'iot' ? rng.lognormal(0.3, 1) : 0,
        voiceRate: kind === 'mobile' ? rng.lognormal(6, 0.9) : 0,
        tags: [],
        topups: [],
      })
    }

    // --- line lifecycle events known up front
    for (const l of ls) {
      if (l.pending) {
        l.events.push({ day: l.activated, sec: 36000 + rng.int(28000), kind: 'ordered', detail: `${PLAN_CODES[l.plan0]} SIM shipped`, reason: 'new line', actor: 'web' })
        continue
      }
      l.events.push({ day: l.activated, sec: 32400 + rng.int(32000), kind: 'activated', detail: PLAN_CODES[l.plan0], reason: 'new line', actor: business ? 'portal' : 'web' })
      if (l.intl !== Infinity) l.events.push({ day: l.intl, sec: 40000 + rng.int(20000), kind: 'addon_added', detail: 'INTL', reason: 'customer request', actor: 'web' })
      if (l.hotspot !== Infinity) l.events.push({ day: l.hotspot, sec: 40000 + rng.int(20000), kind: 'addon_added', detail: 'HOTSPOT', reason: 'customer request', actor: 'web' })
      if (l.planDay !== Infinity) {
        const up = PLAN_PRICE[l.plan1] > PLAN_PRICE[l.plan0]
        l.events.push({ day: l.planDay, sec: 36000 + rng.int(30000), kind: 'plan_changed', detail: `${PLAN_CODES[l.plan0]} → ${PLAN_CODES[l.plan1]}`, reason: up ? 'upgrade: customer ran out of data' : 'downgrade: customer request', actor: rng.chance(0.6) ? 'web' : 'care' })
      }
      if (l.churn !== Infinity) {
        const port = rng.chance(0.6)
        l.churnReason = port ? `ported out to ${rng.pick(PORT_OUT_CARRIERS)}` : rng.pick(['customer request: moving', 'customer request: cost', 'customer request: coverage', 'device retired'])
      }
    }

    // --- billing and dunning, chronologically
    const invs: InvoiceSim[] = []
    const pays: PaymentSim[] = []
    let firstUnpaid = 0 // index into invs of the oldest unpaid invoice
    let dunning = 0 // 0 none, 1 suspended, 2 hotlined, 3 disconnected
    let dunningDisc = -1 // day of the dunning disconnection
    let lateFeeNext = false
    let reactFeeNext = false
    let anyFailure = false
    const alive = (l: LineSim, d: number) => !l.pending && l.activated <= d && l.disc > d
    const planAt = (l: LineSim, d: number) => (d >= l.planDay ? l.plan1 : l.plan0)
    const dunningEvent = (d: number, sec: number, kind: 'suspended' | 'hotlined' | 'disconnected' | 'resumed', reason: string) => {
      for (const l of ls) {
        if (!alive(l, d)) continue
        if (kind === 'resumed') {
          if (l.dun === 0) continue
          l.dun = 0
        } else if (kind === 'suspended') {
          if (l.dun >= 1) continue
          l.dun = 1
        } else if (kind === 'hotlined') {
          if (l.dun >= 2) continue
          l.dun = 2
        } else {
          l.disc = d
          l.discByDunning = true
          l.dun = 0
        }
        l.events.push({ day: d, sec, kind, detail: '', reason, actor: 'dunning' })
      }
    }
    const payAll = (j: number, d: number, sec: number, manual: boolean) => {
      pays.push({ day: d, sec, invoiceIdx: invs.length - 1, firstUnpaid, ok: true, code: -1, manual })
      for (let i = firstUnpaid; i < invs.length; i++) invs[i].paidDay = d
      firstUnpaid = invs.length
      if (dunning === 1 || dunning === 2) {
        dunningEvent(d, sec + 60, 'resumed', 'payment received')
      } else if (dunning === 3) {
        if (d - dunningDisc <= RECONNECT_WINDOW) {
          for (const l of ls) {
            if (l.discByDunning && l.disc === dunningDisc && l.churn > d) {
              l.events.push({ day: d, sec: sec + 60, kind: 'reactivated', detail: '', reason: 'balance paid within 30 days', actor: 'dunning' })
              l.disc = l.churn
              l.discByDunning = false
              l.reactivated = d
            }
          }
          reactFeeNext = true
        }
      }
      dunning = 0
      void j
    }

    for (let j = firstCycle; j <= cur; j++) {
      const s = starts[j]
      const prevS = starts[j - 1]
      const nextS = starts[j + 1]
      const cycleLen = nextS - s
      const failing = j >= failFrom && j < failTo
      // recovery of a disconnected account (manual payment), before the cycle's invoice
      if (dunning === 3 && firstUnpaid < invs.length && !failing) {
        const d = s + 1 + rng.int(12)
        if (d <= asOf) payAll(j, d, 43200 + rng.int(20000), true)
      }
      // the invoice
      const items: InvoiceItemRowOut[] = []
      for (const l of ls) {
        if (l.pending) continue
        const p = planAt(l, s)
        if (alive(l, s)) {
          items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'plan', code: PLAN_CODES[p], description: `${PLAN_NAME[p]} — line ending ${l.last4}`, amount_cents: PLAN_PRICE[p] })
          if (l.intl <= s) items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'addon', code: 'INTL', description: `${INTL.name} — line ending ${l.last4}`, amount_cents: INTL.priceCents })
          if (l.hotspot <= s) items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'addon', code: 'HOTSPOT', description: `${HOTSPOT.name} — line ending ${l.last4}`, amount_cents: HOTSPOT.priceCents })
        }
        // proration for a mid-cycle activation / reactivation in the previous cycle
        const startDay = l.activated > prevS && l.activated < s ? l.activated : l.reactivated > prevS && l.reactivated < s ? l.reactivated : -1
        if (startDay > 0 && l.disc > s) {
          const pp = planAt(l, startDay)
          const daysUsed = s - startDay
          items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'proration', code: PLAN_CODES[pp], description: `${PLAN_NAME[pp]} — ${daysUsed} of ${s - prevS} days (from ${days.iso(startDay)})`, amount_cents: Math.round((PLAN_PRICE[pp] * daysUsed) / (s - prevS)) })
        }
        // proration for a plan change in the previous cycle
        if (l.planDay > prevS && l.planDay < s && l.disc > l.planDay) {
          const delta = PLAN_PRICE[l.plan1] - PLAN_PRICE[l.plan0]
          const daysLeft = s - l.planDay
          items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'proration', code: PLAN_CODES[l.plan1], description: `Plan change ${PLAN_CODES[l.plan0]} → ${PLAN_CODES[l.plan1]}, ${daysLeft} of ${s - prevS} days`, amount_cents: Math.round((delta * daysLeft) / (s - prevS)) })
        }
      }
      if (items.length === 0) continue
      if (lateFeeNext) items.push({ id: 0, invoice_id: 0, line_id: null, kind: 'fee', code: 'LATE_FEE', description: 'Late payment fee', amount_cents: LATE_FEE_CENTS })
      if (reactFeeNext) items.push({ id: 0, invoice_id: 0, line_id: null, kind: 'fee', code: 'REACTIVATION', description: 'Reactivation fee', amount_cents: REACTIVATION_FEE_CENTS })
      lateFeeNext = false
      reactFeeNext = false
      if (rng.chance(0.012)) {
        const c = rng.range(2, 15) * 100
        items.push({ id: 0, invoice_id: 0, line_id: null, kind: 'credit', code: 'GOODWILL', description: 'Goodwill credit — billing dispute', amount_cents: -c })
      }
      const inv: InvoiceSim = { id: ++invoiceId, cycle: j, issued: s, due: s + DUE_DAYS, items, subtotal: 0, tax: 0, total: 0, paidDay: Infinity, firstUnpaidAtIssue: firstUnpaid }
      invs.push(inv)
      void cycleLen
      // autopay attempts and dunning steps, in time order
      const D = inv.due
      const oldestDue = invs[firstUnpaid]?.due ?? D
      const hold = profile === 'hold'
      const steps: Array<[number, number]> = [] // [day, what] what: 0..3 attempt index, 10 suspend, 11 hotline, 12 disconnect
      for (let a = 0; a < ATTEMPTS.length; a++) steps.push([D + ATTEMPTS[a], a])
      if (!hold) {
        steps.push([oldestDue + SUSPEND_DAY, 10], [oldestDue + HOTLINE_DAY, 11], [oldestDue + DISCONNECT_DAY, 12])
        steps.sort((x, y) => x[0] - y[0] || x[1] - y[1])
      }
      for (const [d, what] of steps) {
        if (d > asOf || d >= nextS + DUE_DAYS) break
        if (firstUnpaid >= invs.length) break // paid
        if (what < 10) {
          let ok: boolean
          if (failing) ok = false
          else if (profile === 'good') ok = what === 0 ? !rng.chance(0.015) : rng.chance(0.85)
          else if (profile === 'flaky') ok = what === 0 ? !rng.chance(0.25) : rng.chance(0.6)
          else ok = what === 0 ? !rng.chance(0.05) : rng.chance(0.7)
          const sec = 14400 + what * 600 + rng.int(600)
          if (ok) payAll(j, d, sec, false)
          else {
            anyFailure = true
            pays.push({ day: d, sec, invoiceIdx: invs.length - 1, firstUnpaid, ok: false, code: rng.weighted(DECLINE_CUM), manual: false })
            if (what === 0) lateFeeNext = true
          }
        } else if (what === 10 && dunning < 1) {
          dunningEvent(d, 21600, 'suspended', `non-payment: dunning day ${SUSPEND_DAY}`)
          dunning = 1
        } else if (what === 11 && dunning < 2) {
          dunningEvent(d, 21600, 'hotlined', `non-payment: dunning day ${HOTLINE_DAY}`)
          dunning = 2
        } else if (what === 12 && dunning < 3) {
          dunningEvent(d, 21600, 'disconnected', `non-payment: dunning day ${DISCONNECT_DAY}`)
          dunning = 3
          dunningDisc = d
        }
      }
    }

    // --- voluntary churn and care-driven suspensions (lost devices, fraud review) as line events
    for (const l of ls) {
      if (l.pending) continue
      if (l.churn !== Infinity && !l.discByDunning) {
        l.events.push({ day: l.churn, sec: 50000 + rng.int(20000), kind: 'disconnected', detail: '', reason: l.churnReason, actor: l.churnReason.startsWith('ported') ? 'port-out' : 'care' })
        l.disc = l.churn
      }
      if (!anyFailure && rng.chance(0.004 * Math.min(M, 12))) {
        const sd = Math.max(l.activated, windowStart) + rng.int(windowDays)
        if (sd < l.disc && sd <= asOf) {
          const rd = sd + 1 + Math.floor(rng.exp(4))
          const fraud = rng.chance(0.12)
          l.events.push({ day: sd, sec: 30000 + rng.int(30000), kind: fraud ? 'hotlined' : 'suspended', detail: '', reason: fraud ? 'fraud review: unusual international usage' : 'lost or stolen device (customer request)', actor: fraud ? 'fraud' : 'care' })
          if (rd < l.disc && rd <= asOf) l.events.push({ day: rd, sec: 30000 + rng.int(30000), kind: 'resumed', detail: '', reason: fraud ? 'fraud review cleared' : 'replacement SIM activated', actor: 'care' })
        }
      }
    }

    // --- usage: status timeline per line, daily rows for the last months, cycle totals, top-ups
    const bucketOf = (p: number) => PLAN_BUCKET[p]
    for (const l of ls) {
      l.events.sort((a, b) => a.day - b.day || a.sec - b.sec)
    }
    let accountUsedNow = 0
    const lineCur: Array<{ used: number; topup: number; sms: number; voice: number; addTopups: string[]; planChanges: number }> = []
    for (const l of ls) {
      const cur0 = { used: 0, topup: 0, sms: 0, voice: 0, addTopups: [] as string[], planChanges: 0 }
      lineCur.push(cur0)
      if (l.pending) continue
      scratch.fill(-1)
      // status change points: [day, usable]
      const pts: number[] = []
      const usableAfter: boolean[] = []
      for (const e of l.events) {
        const k = e.kind
        if (k === 'activated' || k === 'resumed' || k === 'reactivated') usableAfter.push(true)
        else if (k === 'suspended' || k === 'hotlined' || k === 'disconnected') usableAfter.push(false)
        else continue
        pts.push(e.day)
      }
      const usableOn = (d: number): boolean => {
        let u = false
        for (let i = 0; i < pts.length && pts[i] <= d; i++) u = usableAfter[i]
        return u
      }
      const weekdayF = l.plan0 <= P_HOMEFI_300 ? WEEKDAY_HOME : WEEKDAY_MOBILE
      const topupP = rng.chance(0.45) ? 0.6 : 0.05
      // cycles (the ones in the history window, plus the partial overlap before the daily window)
      for (let j = Math.min(firstCycle, cur); j <= cur; j++) {
        const s = starts[j]
        const e = Math.min(starts[j + 1], asOf + 1) // exclusive
        if (l.activated >= e || l.disc <= s) continue
        const p = planAt(l, e - 1)
        const bucket = bucketOf(p)
        let topupMb = 0
        let used = 0
        let usableDays = 0
        if (s >= dailyStart) {
          // day by day (daily rows are written below from the same values)
          let cum = 0
          let decided = false
          for (let d = s; d < e; d++) {
            if (!usableOn(d) || l.disc <= d) continue
            usableDays++
            let v = l.rate * weekdayF[weekday(d)] * NOISE[rng.u32() & 4095]
            const b = bucketOf(planAt(l, d))
            if (b > 0) {
              if (!decided && cum > 0.85 * (b + topupMb) && d - s < 0.8 * (e - s)) {
                decided = true
                if (rng.chance(topupP)) {
                  const big = b >= 5 * 1024 && rng.chance(0.5)
                  const add = big ? TOPUP_5GB : TOPUP_1GB
                  topupMb += add.dataMb!
                  l.topups.push([j, add.code, d])
                  l.events.push({ day: d, sec: 60000 + rng.int(20000), kind: 'addon_added', detail: add.code, reason: 'one-off top-up', actor: 'web' })
                }
              }
              if (cum >= b + topupMb) v *= 0.03 // throttled
            }
            let mb = Math.round(v)
            if (mb > 65535) mb = 65535
            cum += mb
            scratch[d - dailyStart] = mb
          }
          used = cum
        } else {
          for (let d = Math.max(s, l.activated); d < e; d++) if (usableOn(d) && l.disc > d) usableDays++
          const projected = l.rate * usableDays * NOISE[rng.u32() & 4095] ** 0.4
          used = projected
          if (bucket > 0 && projected > bucket) {
            if (rng.chance(topupP)) {
              const add = bucket >= 5 * 1024 && rng.chance(0.5) ? TOPUP_5GB : TOPUP_1GB
              topupMb += add.dataMb!
              const d = Math.min(e - 1, s + Math.floor((e - s) * (0.5 + 0.4 * rng.next())))
              l.topups.push([j, add.code, d])
              l.events.push({ day: d, sec: 60000 + rng.int(20000), kind: 'addon_added', detail: add.code, reason: 'one-off top-up', actor: 'web' })
            }
            const cap = bucket + topupMb
            if (projected > cap) used = cap + (projected - cap) * 0.03
          }
          used = Math.round(used)
        }
        const sms = Math.round(l.smsRate * usableDays)
        const voice = Math.round(l.voiceRate * usableDays)
        if (j >= firstCycle) bCycles.push({ line_id: l.id, cycle_start: days.iso(s), data_mb: used, sms, voice_min: voice, plan_code: PLAN_CODES[p] })
        if (j === cur) {
          cur0.used = used
          cur0.topup = topupMb
          cur0.sms = sms
          cur0.voice = voice
          accountUsedNow += used
        }
      }
      // days of the daily window before the first full cycle in it
      for (let d = dailyStart; d <= asOf; d++) {
        if (scratch[d - dailyStart] >= 0) continue
        if (!usableOn(d) || l.disc <= d || l.activated > d) continue
        const v = l.rate * weekdayF[weekday(d)] * NOISE[rng.u32() & 4095]
        scratch[d - dailyStart] = Math.min(65535, Math.round(v * (bucketOf(planAt(l, d)) > 0 && rng.chance(0.1) ? 0.03 : 1)))
      }
      // daily rows, one per calendar month the line was alive in
      for (let ym = dailyStartYm; ym <= asOfYm; ym++) {
        const m0 = dayOfYm(ym, 1)
        const mDays = ym === asOfYm ? asOfDom : daysInYm(ym)
        if (l.activated >= m0 + mDays || l.disc <= m0) continue
        const buf = Buffer.allocUnsafe(mDays * 2)
        const off = m0 - dailyStart
        for (let i = 0; i < mDays; i++) {
          const v = scratch[off + i]
          buf.writeUInt16LE(v > 0 ? v : 0, i * 2)
        }
        bDaily.push({ line_id: l.id, month: ymIso(ym), mb: buf })
      }
      for (const [, code, d] of l.topups) if (d >= starts[cur]) cur0.addTopups.push(code)
      if (l.planDay !== Infinity && ymOfDay(l.planDay) === asOfYm) cur0.planChanges = 1
    }
    void accountUsedNow

    // --- top-ups are billed on the next invoice
    for (const l of ls) {
      for (const [j, code, d] of l.topups) {
        const inv = invs.find((x) => x.cycle === j + 1)
        if (!inv) continue
        const a = ADDON.get(code)!
        inv.items.push({ id: 0, invoice_id: 0, line_id: l.id, kind: 'topup', code, description: `${a.name} — line ending ${l.last4}, ${days.iso(d)}`, amount_cents: a.priceCents })
      }
    }

    // --- totals, tax, ids
    for (const inv of invs) {
      let sub = 0
      for (const it of inv.items) sub += it.amount_cents
      if (sub < 0) {
        // credits and downgrade prorations never exceed the charges: trim the largest negative item
        let neg = inv.items[0]
        for (const it of inv.items) if (it.amount_cents < neg.amount_cents) neg = it
        neg.amount_cents -= sub
        sub = 0
      }
      const tax = Math.round((sub * st.taxBp) / 10000)
      if (tax > 0) inv.items.push({ id: 0, invoice_id: 0, line_id: null, kind: 'tax', code: `TAX_${st.code}`, description: `Taxes and surcharges (${st.code} ${(st.taxBp / 100).toFixed(2)}%)`, amount_cents: tax })
      inv.subtotal = sub
      inv.tax = tax
      inv.total = sub + tax
      for (const it of inv.items) {
        it.id = ++itemId
        it.invoice_id = inv.id
        bItems.push(it)
      }
    }
    const sumTotals = (from: number, to: number) => {
      let s = 0
      for (let i = from; i <= to; i++) s += invs[i].total
      return s
    }
    for (let idx = 0; idx < invs.length; idx++) {
      const inv = invs[idx]
      bInvoices.push({
        id: inv.id,
        account_id: acctId,
        period: ymIso(ymOfDay(inv.issued)),
        issued_at: days.iso(inv.issued),
        due_at: days.iso(inv.due),
        prior_balance_cents: idx > inv.firstUnpaidAtIssue ? sumTotals(inv.firstUnpaidAtIssue, idx - 1) : 0,
        subtotal_cents: inv.subtotal,
        tax_cents: inv.tax,
        total_cents: inv.total,
        status: inv.paidDay <= asOf ? 'paid' : inv.due < asOf ? 'past_due' : 'open',
        paid_at: inv.paidDay <= asOf ? days.iso(inv.paidDay) : null,
      })
    }
    let streak = 0
    for (const p of pays) {
      const dec = p.ok ? null : DECLINES[p.code]
      bPayments.push({
        id: ++paymentId,
        account_id: acctId,
        invoice_id: invs[p.invoiceIdx].id,
        created_at: stamp(days.iso(p.day), p.sec),
        amount_cents: sumTotals(p.firstUnpaid, p.invoiceIdx),
        status: p.ok ? 'succeeded' : 'failed',
        failure_code: dec ? dec[0] : null,
        failure_message: dec ? dec[1] : null,
        method_token: methodToken,
      })
      streak = p.ok ? 0 : streak + 1
    }
    let pastDue = 0
    let oldestDue = Infinity
    for (let i = firstUnpaid; i < invs.length; i++) {
      if (invs[i].due < asOf) {
        pastDue += invs[i].total
        if (invs[i].due < oldestDue) oldestDue = invs[i].due
      }
    }
    const daysPastDue = oldestDue === Infinity ? 0 : asOf - oldestDue
    const wallet = rng.chance(0.04) ? rng.range(1, 10) * 500 : 0

    // --- care interactions
    const care: Array<{ day: number; sec: number; line: number | null; category: string; summary: string; channel?: CareRowOut['channel'] }> = []
    const firstFail = pays.find((p) => !p.ok)
    if (firstFail && rng.chance(0.35)) {
      const dec = DECLINES[firstFail.code]
      care.push({ day: firstFail.day + rng.int(3), sec: 0, line: null, category: 'payment_failed', summary: `Autopay declined (${dec[0]} ${dec[1]}). Customer will update the card on file; explained retry schedule.` })
    }
    for (const l of ls) {
      for (const e of l.events) {
        if (e.actor === 'dunning' && e.kind === 'suspended' && rng.chance(0.4 / Math.max(1, ls.length / 2))) {
          care.push({ day: e.day + rng.int(2), sec: 0, line: l.id, category: 'suspension', summary: `Line ending ${l.last4} suspended for non-payment; customer asked to restore service. Explained the balance and the reactivation steps.` })
        } else if (e.kind === 'plan_changed' && e.actor === 'care') {
          care.push({ day: e.day, sec: e.sec - 300, line: l.id, category: 'plan_change', summary: `Changed plan ${e.detail} on line ending ${l.last4} (${e.reason}).` })
        } else if (e.actor === 'care' && e.kind === 'suspended') {
          care.push({ day: e.day, sec: e.sec - 300, line: l.id, category: 'device', summary: `Customer reported the phone on line ending ${l.last4} lost; line suspended until a replacement SIM is activated.` })
        }
      }
      if (l.churn !== Infinity && l.churnReason.startsWith('ported') && rng.chance(0.4)) {
        care.push({ day: Math.max(l.activated, l.churn - rng.int(5) - 1), sec: 0, line: l.id, category: 'port_out', summary: `Customer requested the port-out PIN for line ending ${l.last4}; retention offer declined.` })
      } else if (l.disc === Infinity && !l.pending && rng.chance(0.006)) {
        care.push({ day: Math.max(l.activated, asOf - rng.int(40)), sec: 0, line: l.id, category: 'port_out', summary: `Customer asked for the port-out PIN for line ending ${l.last4}; offered a loyalty credit, undecided.` })
        l.tags.push('port-risk')
      }
    }
    if (profile === 'hold' && firstFail) {
      care.push({ day: firstFail.day + 1 + rng.int(4), sec: 0, line: null, category: 'promise_to_pay', summary: business ? 'Accounts payable confirmed the invoice is in their approval queue (net terms); dunning paused.' : 'Customer promised to pay the balance by the end of the month; automatic suspension paused.' })
    }
    for (const inv of invs) {
      const cr = inv.items.find((it) => it.kind === 'credit')
      if (cr) care.push({ day: Math.max(created, inv.issued - 1 - rng.int(10)), sec: 0, line: null, category: 'billing_dispute', summary: `Customer disputed a charge on the last invoice; applied a ${money(-cr.amount_cents)} goodwill credit.` })
    }
    const everyday = ['coverage', 'technical', 'device', 'account_update', 'billing_question', 'roaming']
    const everydaySummaries: Record<string, string[]> = {
      coverage: ['Weak signal indoors at home; walked through Wi-Fi calling setup.', 'Reported no service downtown; confirmed a tower outage, resolved next day.'],
      technical: ['Data not working after travel; reset APN settings.', 'HomeFi gateway dropping connection; moved it near a window, speeds normal.', 'Could not send MMS; reprovisioned the line.'],
      device: ['Asked whether a new phone is compatible; IMEI check passed.', 'eSIM transfer to a new phone; ICCID validated and swapped.'],
      account_update: ['Updated billing address and email.', 'Added an authorized user to the account.', 'Changed the autopay card.'],
      billing_question: ['Asked why the bill was higher this month; explained proration and top-ups.', 'Asked about taxes and surcharges on the invoice.'],
      roaming: ['Traveling to Mexico next week; explained the international add-on.', 'Asked about using the line in Canada.'],
    }
    const perMonth = business ? 0.06 : 0.025
    let nEveryday = 0
    for (let j = firstCycle; j <= cur; j++) if (starts[j] >= created && rng.chance(perMonth * Math.min(3, ls.length))) nEveryday++
    for (let i = 0; i < nEveryday; i++) {
      const cat = everyday[rng.int(everyday.length)]
      const d = Math.max(created, windowStart) + rng.int(asOf - Math.max(created, windowStart) + 1)
      const l = ls[rng.int(ls.length)]
      care.push({ day: d, sec: 0, line: l.pending ? null : l.id, category: cat, summary: rng.pick(everydaySummaries[cat]) })
    }
    for (const c of care) if (c.sec === 0) c.sec = 28800 + rng.int(36000)
    care.sort((a, b) => a.day - b.day || a.sec - b.sec)
    for (const c of care) {
      if (c.day > asOf) continue
      const x = rng.next()
      bCare.push({
        id: ++careId,
        account_id: acctId,
        line_id: c.line,
        created_at: stamp(days.iso(c.day), c.sec),
        channel: x < 0.55 ? 'call' : x < 0.85 ? 'chat' : x < 0.95 ? 'email' : 'sms',
        category: c.category,
        summary: c.summary,
        agent: c.category === 'billing_question' && rng.chance(0.3) ? 'Care Bot' : AGENTS[rng.int(AGENTS.length - 1)],
      })
    }

    // --- account row
    const acctTags: string[] = []
    if (vip) acctTags.push('vip')
    if (profile === 'hold' && streak > 0) acctTags.push(rng.chance(0.5) ? 'follow-up' : 'promise-to-pay')
    else if (streak > 1 && rng.chance(0.3)) acctTags.push('follow-up')
    if (business && ls.length >= 20) acctTags.push('enterprise')
    if (ls.some((l) => l.tags.includes('port-risk'))) acctTags.push('port-risk')
    acctTags.sort()
    const createdIso = days.iso(created)
    bAccounts.push({
      id: acctId,
      name,
      email,
      street,
      city,
      state: st.code,
      zip,
      type: business ? 'business' : 'consumer',
      wallet_cents: wallet,
      past_due_cents: pastDue,
      days_past_due: daysPastDue,
      failed_payments: streak,
      tags: acctTags.join(','),
      created_at: createdIso,
      row_version: 1,
    })

    // --- line rows and events
    const curStartIso = days.iso(starts[cur])
    for (let k = 0; k < ls.length; k++) {
      const l = ls[k]
      const c = lineCur[k]
      let status: LineRowOut['status'] = 'pending'
      let lastAt = ''
      for (const e of l.events) {
        if (e.day > asOf) continue
        const at = stamp(days.iso(e.day), e.sec)
        bEvents.push({ id: ++eventId, line_id: l.id, at, kind: e.kind, detail: e.detail, reason: e.reason, actor: e.actor, batch_id: null })
        lastAt = at
        switch (e.kind) {
          case 'activated':
          case 'resumed':
          case 'reactivated':
            status = 'active'
            break
          case 'suspended':
          case 'hotlined':
          case 'disconnected':
            status = e.kind
            break
        }
      }
      const addons: string[] = []
      if (l.hotspot <= asOf && status !== 'pending') addons.push('HOTSPOT')
      if (l.intl <= asOf && status !== 'pending') addons.push('INTL')
      for (const code of c.addTopups) if (!addons.includes(code)) addons.push(code)
      addons.sort()
      const tags = l.tags.slice()
      if (vip) tags.push('vip')
      if (business && l.plan1 === P_IOT_500) tags.push('fleet')
      if (status === 'active' && streak > 3 && rng.chance(0.2)) tags.push('follow-up')
      tags.sort()
      const updatedAt = status === 'active' ? stamp(days.iso(asOf), 3600 + rng.int(20000)) : lastAt
      bLines.push({
        id: l.id,
        msisdn: l.msisdn,
        iccid: l.iccid,
        imei: l.imei,
        account_id: acctId,
        plan_code: PLAN_CODES[l.plan1 !== l.plan0 && l.planDay <= asOf ? l.plan1 : l.plan0],
        addons: addons.join(','),
        status,
        activated_at: l.pending ? null : days.iso(l.activated),
        disconnected_at: status === 'disconnected' && l.disc <= asOf ? days.iso(l.disc) : null,
        cycle_day: cycleDay,
        cycle_start: curStartIso,
        data_used_mb: c.used,
        topup_mb: c.topup,
        sms_used: c.sms,
        voice_min: c.voice,
        plan_changes_month: c.planChanges,
        tags: tags.join(','),
        row_version: 1,
        updated_at: updatedAt,
        account_name: name,
        email,
        state: st.code,
        zip,
        account_type: business ? 'business' : 'consumer',
        failed_payments: streak,
        past_due_cents: pastDue,
        days_past_due: daysPastDue,
        wallet_cents: wallet,
      })
    }

    linesInBatch += ls.length
    if (linesInBatch >= batchLines || lineId >= N) {
      await flush()
      linesInBatch = 0
      onProgress?.({ phase: 'generate', done: lineId, total: N })
      await new Promise<void>((r) => setImmediate(r))
    }
  }

  const meta = [
    { key: 'as_of', value: asOfIso },
    { key: 'seed', value: String(seed) },
    { key: 'demo_lines', value: String(N) },
    { key: 'demo_months', value: String(M) },
    { key: 'source', value: 'demo' },
    { key: 'demo_generator_version', value: DEMO_GENERATOR_VERSION },
    { key: 'generated_at', value: new Date().toISOString() },
  ]
  await sink.meta(meta)
  rows.meta = meta.length
  onProgress?.({ phase: 'finish', done: 0, total: 1 })
  await sink.finish()
  const summary: DemoSummary = {
    lines: rows.lines,
    accounts: rows.accounts,
    months: M,
    seed,
    asOf: asOfIso,
    rows,
    generate_s: Math.round((performance.now() - t0) / 10) / 100,
  }
  onProgress?.({ phase: 'done', done: 1, total: 1 })
  return summary
}

/**
 * Generates the demo workspace into an empty local store (fast path: indexes dropped and rebuilt, durability relaxed
 * during the load). Yields to the event loop between batches and reports progress.
 */
export async function generateDemo(db: Db, opts: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoSummary> {
  const has = db.prepare('SELECT EXISTS (SELECT 1 FROM lines) OR EXISTS (SELECT 1 FROM accounts) AS n').get() as { n: number }
  if (has.n) throw new AppError('CONFLICT', 'This workspace already has data; the demo generator only fills an empty workspace.')
  db.exec('DELETE FROM plans; DELETE FROM addons')
  const sink = new SqliteDemoSink(db, { onIndex: (done, total) => onProgress?.({ phase: 'index', done, total }) })
  try {
    return await generateDemoInto(sink, opts, onProgress)
  } catch (e) {
    sink.abort()
    throw e
  }
}

export { isoDay, dayOf }
