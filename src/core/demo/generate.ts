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
import type { Db } from '../store'
import { Rng, cumulative } from './rng'
import { SqliteDemoSink } from './sqlite-sink'
import type {
  AccountRowOut,
  AddonRowOut,
  MetaRowOut,
  PlanRowOut,
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
export const DEMO_GENERATOR_VERSION = '2'

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
  /**
   * threads for the SQLite fast path (generateDemo): 1 = single-threaded (default); more uses worker threads when
   * running from source (CLI, benches, tests); the data is identical either way
   */
  workers?: number
}

export interface DemoProgress {
  phase: 'generate' | 'merge' | 'index' | 'finish' | 'done'
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
  /** where the time went, in seconds (SQLite fast path only): inserting, merging worker shards, indexes, ANALYZE */
  phases?: Record<string, number>
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
/** Reach-like consumer dunning: suspended on day 4, hotlined on day 12, disconnected on day 14 */
const SCHEDULE_STANDARD = [4, 12, 14] as const
/** the extended schedule (businesses, some consumer plans): suspended on day 4, hotlined on day 30, disconnected on day 45 */
const SCHEDULE_EXTENDED = [4, 30, 45] as const
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
// Parameters and the account plan

export interface DemoParams {
  N: number
  M: number
  seed: number
  asOfIso: string
  homefiShare: number
  businessShare: number
  dailyMonths: number
  batchLines: number
}

export function resolveParams(opts: DemoOptions): DemoParams {
  const N = Math.floor(opts.lines)
  if (!(N >= 1)) throw new Error('lines must be at least 1')
  if (N > MAX_LINES) throw new Error(`lines must be at most ${MAX_LINES}`)
  const M = Math.floor(opts.months ?? 24)
  if (!(M >= 1 && M <= 120)) throw new Error('months must be between 1 and 120')
  const asOfIso = opts.asOf ?? new Date().toISOString().slice(0, 10)
  parseIsoDay(asOfIso)
  return {
    N,
    M,
    seed: Math.floor(opts.seed ?? 1),
    asOfIso,
    homefiShare: opts.homefiShare ?? 0.12,
    businessShare: opts.businessShare ?? 0.05,
    dailyMonths: Math.max(1, Math.floor(opts.dailyMonths ?? 4)),
    batchLines: Math.max(1, Math.floor(opts.batchLines ?? 2000)),
  }
}

/** The first draws of every account's stream: its type and line count. Shared by the plan and the simulation. */
function accountShape(rng: Rng, businessShare: number): { business: boolean; nLines: number } {
  const business = rng.chance(businessShare)
  let nLines: number
  if (business) nLines = Math.min(60, 2 + Math.floor(rng.pareto(1, 1.35)) + rng.int(3))
  else {
    const x = rng.next()
    nLines = x < 0.6 ? 1 : x < 0.82 ? 2 : x < 0.92 ? 3 : x < 0.975 ? 4 : 5
  }
  return { business, nLines }
}

/** Lines per account, in account order (the last account is cut so the total is exactly N). Cheap and deterministic. */
export function planAccounts(p: DemoParams): Int32Array {
  const key = `${p.N}/${p.seed}/${p.businessShare}`
  if (planCache?.key === key) return planCache.plan
  const plan = computePlan(p)
  planCache = { key, plan }
  return plan
}

let planCache: { key: string; plan: Int32Array } | null = null

function computePlan(p: DemoParams): Int32Array {
  const out: number[] = []
  let total = 0
  for (let i = 0; total < p.N; i++) {
    const n = Math.min(accountShape(new Rng(p.seed, i + 1), p.businessShare).nLines, p.N - total)
    out.push(n)
    total += n
  }
  return Int32Array.from(out)
}

// MSISDNs: the 7-digit subscriber part is a bijection of the line id (unique across the whole workspace, whatever the
// area code), the area code comes from the account's state.
const VALID_NXX: number[] = []
for (let nxx = 200; nxx <= 999; nxx++) if (nxx !== 555 && nxx % 100 !== 11 && nxx !== 950 && nxx !== 958 && nxx !== 959 && nxx !== 976) VALID_NXX.push(nxx)
const SUBSCRIBER_SPACE = VALID_NXX.length * 10000
const MSISDN_STRIDE = 3_141_601 // coprime with SUBSCRIBER_SPACE (checked below)
const MAX_LINES = SUBSCRIBER_SPACE - 1
{
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
  if (gcd(MSISDN_STRIDE, SUBSCRIBER_SPACE) !== 1) throw new Error('demo generator: MSISDN stride not coprime')
}
function subscriberPart(lineId: number, seed: number): string {
  const offset = ((seed % SUBSCRIBER_SPACE) * 7919 + SUBSCRIBER_SPACE) % SUBSCRIBER_SPACE
  // exact in doubles: lineId * stride < 7.9e6 * 3.2e6 < 2^53
  const x = (lineId * MSISDN_STRIDE + offset) % SUBSCRIBER_SPACE
  const nxx = VALID_NXX[Math.floor(x / 10000)]
  return `${nxx}${String(x % 10000).padStart(4, '0')}`
}

// ---------------------------------------------------------------------------------------------------------------------
// Generation context (one per shard)

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
  /** top-ups: [cycleIdx, code, day] */
  topups: Array<[number, string, number]>
  // current cycle
  curUsed: number
  curTopup: number
  curSms: number
  curVoice: number
  curTopupCodes: string[]
  planChangesMonth: number
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
}

type Profile = 'good' | 'flaky' | 'delinquent' | 'hold'

interface AccountSim {
  idx: number
  id: string
  rng: Rng
  business: boolean
  created: number
  st: StateInfo
  zip: string
  city: string
  name: string
  email: string
  street: string
  cycleDay: number
  starts: number[]
  cur: number
  firstCycle: number
  methodToken: string
  profile: Profile
  failFrom: number
  failTo: number
  vip: boolean
  /** dunning schedule, days past due: suspend, hotline, disconnect */
  sched: readonly number[]
  ls: LineSim[]
  invs: InvoiceSim[]
  pays: PaymentSim[]
  firstUnpaid: number
  dunning: number
  dunningDisc: number
  lateFeeNext: boolean
  reactFeeNext: boolean
  anyFailure: boolean
  streak: number
  pastDue: number
  daysPastDue: number
  wallet: number
}

/** Row ids of one shard; a shard's ids start at these bases (0 for the first shard). */
export interface IdCounters {
  invoice: number
  item: number
  payment: number
  care: number
  event: number
}

class Ctx {
  readonly asOf: number
  readonly asOfYm: number
  readonly asOfDom: number
  readonly windowStart: number
  readonly windowDays: number
  readonly dailyStartYm: number
  readonly dailyStart: number
  readonly baseShare: number
  readonly days: DayNames
  readonly cycleStartsByDay: number[][] = [[]]
  readonly scratch: Int32Array
  readonly accountDigits: number
  /** the months with daily rows: first day, days stored, YYYY-MM */
  readonly monthStart: number[] = []
  readonly monthDays: number[] = []
  readonly monthIso: string[] = []
  readonly ids: IdCounters = { invoice: 0, item: 0, payment: 0, care: 0, event: 0 }
  // batch buffers
  bAccounts: AccountRowOut[] = []
  bLines: LineRowOut[] = []
  bCycles: UsageCycleRowOut[] = []
  bDaily: UsageDailyRowOut[] = []
  bInvoices: InvoiceRowOut[] = []
  bItems: InvoiceItemRowOut[] = []
  bPayments: PaymentRowOut[] = []
  bCare: CareRowOut[] = []
  bEvents: LineEventRowOut[] = []
  readonly rows: Record<DemoTable, number> = {
    plans: 0, addons: 0, accounts: 0, lines: 0, usage_cycles: 0, usage_daily: 0, invoices: 0, invoice_items: 0,
    payments: 0, care_interactions: 0, line_events: 0, meta: 0,
  }

  constructor(readonly p: DemoParams) {
    this.asOf = parseIsoDay(p.asOfIso)
    this.asOfYm = ymOfDay(this.asOf)
    this.asOfDom = domOfDay(this.asOf)
    this.windowStart = dayOfYm(this.asOfYm - p.M, Math.min(this.asOfDom, 28)) + 1
    this.windowDays = this.asOf - this.windowStart + 1
    this.dailyStartYm = this.asOfYm - p.dailyMonths + 1
    this.dailyStart = dayOfYm(this.dailyStartYm, 1)
    this.baseShare = Math.min(0.9, Math.max(0.3, 1 - p.M * 0.028))
    this.days = new DayNames(this.windowStart - 2200, this.asOf + 40)
    this.scratch = new Int32Array(this.asOf - this.dailyStart + 1)
    this.accountDigits = p.N >= 1_500_000 ? 7 : 6
    for (let ym = this.dailyStartYm; ym <= this.asOfYm; ym++) {
      this.monthStart.push(dayOfYm(ym, 1))
      this.monthDays.push(ym === this.asOfYm ? this.asOfDom : daysInYm(ym))
      this.monthIso.push(ymIso(ym))
    }
    // cycle starts per cycle day: from before the history and daily windows to the first start after the as-of date
    const firstYm = Math.min(this.asOfYm - p.M - 1, this.dailyStartYm - 1)
    for (let cd = 1; cd <= 28; cd++) {
      const arr: number[] = []
      for (let ym = firstYm; ; ym++) {
        const d = dayOfYm(ym, cd)
        arr.push(d)
        if (d > this.asOf) break
      }
      this.cycleStartsByDay.push(arr)
    }
  }

  /** growth curve: fraction u of all lines → the account's creation day */
  createdDay(u: number): number {
    if (u < this.baseShare) {
      const t = u / this.baseShare
      return this.windowStart - 1 - Math.round(1800 * (1 - t) * (1 - t))
    }
    const s = (u - this.baseShare) / (1 - this.baseShare)
    const g = 1.5
    const x = (-1 + Math.sqrt(1 + 2 * g * s * (1 + g / 2))) / g
    return Math.min(this.asOf, this.windowStart + Math.floor(x * this.windowDays))
  }

  async flush(sink: DemoSink): Promise<void> {
    const r = this.rows
    r.accounts += this.bAccounts.length
    r.lines += this.bLines.length
    r.usage_cycles += this.bCycles.length
    r.usage_daily += this.bDaily.length
    r.invoices += this.bInvoices.length
    r.invoice_items += this.bItems.length
    r.payments += this.bPayments.length
    r.care_interactions += this.bCare.length
    r.line_events += this.bEvents.length
    await sink.accounts(this.bAccounts)
    await sink.lines(this.bLines)
    await sink.usageCycles(this.bCycles)
    await sink.usageDaily(this.bDaily)
    await sink.invoices(this.bInvoices)
    await sink.invoiceItems(this.bItems)
    await sink.payments(this.bPayments)
    await sink.careInteractions(this.bCare)
    await sink.lineEvents(this.bEvents)
    this.bAccounts = []
    this.bLines = []
    this.bCycles = []
    this.bDaily = []
    this.bInvoices = []
    this.bItems = []
    this.bPayments = []
    this.bCare = []
    this.bEvents = []
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// One account, step by step

function newAccount(ctx: Ctx, idx: number, firstLineId: number): AccountSim {
  const p = ctx.p
  const rng = new Rng(p.seed, idx + 1)
  const { business, nLines: n0 } = accountShape(rng, p.businessShare)
  const nLines = Math.min(n0, p.N - (firstLineId - 1))
  const created = ctx.createdDay((firstLineId - 1 + rng.next() * nLines) / p.N)
  const st = STATES[rng.weighted(STATE_CUM)]
  const [zip, city] = st.zips[rng.int(st.zips.length)]
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  let name: string
  let email: string
  const lastSlug = slugOf(last)
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
  const starts = ctx.cycleStartsByDay[cycleDay]
  const cur = starts.length - 2
  const methodToken = `pm_${rng.u32().toString(36)}${rng.u32().toString(36)}`
  const pr = rng.next()
  const profile: Profile = business
    ? pr < 0.8 ? 'good' : pr < 0.9 ? 'flaky' : pr < 0.98 ? 'hold' : 'delinquent'
    : pr < 0.85 ? 'good' : pr < 0.94 ? 'flaky' : pr < 0.985 ? 'delinquent' : 'hold'
  // failing cycles [failFrom, failTo) for delinquent/hold accounts, weighted towards recent cycles
  let failFrom = Infinity
  let failTo = Infinity
  if (profile === 'delinquent' || profile === 'hold') {
    const span = profile === 'hold' ? Math.min(p.M, 4) : p.M
    failFrom = cur - Math.floor(span * Math.pow(rng.next(), 1.6))
    if (rng.chance(profile === 'hold' ? 0.25 : 0.55)) failTo = failFrom + 1 + Math.floor(rng.exp(1.2))
  }
  const a: AccountSim = {
    idx, id: `ACC-${String(idx + 1).padStart(ctx.accountDigits, '0')}`, rng, business, created, st, zip, city, name, email, street,
    cycleDay, starts, cur, firstCycle: cur - p.M + 1, methodToken, profile, failFrom, failTo, vip: rng.chance(0.02),
    sched: business || rng.chance(0.5) ? SCHEDULE_EXTENDED : SCHEDULE_STANDARD, ls: [], invs: [], pays: [],
    firstUnpaid: 0, dunning: 0, dunningDisc: -1, lateFeeNext: false, reactFeeNext: false, anyFailure: false, streak: 0, pastDue: 0, daysPastDue: 0, wallet: 0,
  }
  const homefiAccount = !business && rng.chance(p.homefiShare * 1.7)
  for (let k = 0; k < nLines; k++) a.ls.push(newLine(ctx, a, firstLineId + k, homefiAccount && k === 0, k))
  return a
}

const SLUGS = new Map<string, string>()
function slugOf(name: string): string {
  let s = SLUGS.get(name)
  if (s === undefined) {
    s = name.toLowerCase().replace(/[^a-z]/g, '')
    SLUGS.set(name, s)
  }
  return s
}

function newLine(ctx: Ctx, a: AccountSim, id: number, homefi: boolean, k: number): LineSim {
  const rng = a.rng
  const asOf = ctx.asOf
  let plan: number
  if (homefi) plan = rng.chance(0.55) ? P_HOMEFI_UNL : P_HOMEFI_300
  else if (a.business) {
    const x = rng.next()
    plan = x < 0.3 ? P_IOT_500 : x < 0.34 ? (rng.chance(0.5) ? P_HOMEFI_UNL : P_HOMEFI_300) : CONSUMER_MOBILE_PLANS[rng.weighted(BUSINESS_MOBILE)]
  } else plan = rng.chance(0.04) ? P_IOT_500 : CONSUMER_MOBILE_PLANS[rng.weighted(CONSUMER_MOBILE)]
  const kind = plan <= P_HOMEFI_300 ? 'homefi' : plan === P_IOT_500 ? 'iot' : 'mobile'
  // activation: most lines with the account, some added later, a few still pending
  let activated = a.created
  if (k > 0 && rng.chance(0.28)) activated = a.created + Math.floor(rng.next() * (asOf - a.created + 1))
  const pending = activated > asOf - 3 && rng.chance(0.35)
  // churn: monthly hazard from the later of activation and the window start
  const hazard = a.business ? 0.008 : kind === 'homefi' ? 0.014 : 0.018
  const churnAt = Math.max(activated, ctx.windowStart) + Math.floor(rng.exp(30.4 / hazard))
  const churn = !pending && churnAt <= asOf ? churnAt : Infinity
  // plan change (same family), at most one in the window
  let plan1 = plan
  let planDay = Infinity
  if (!pending && kind !== 'iot' && rng.chance(Math.min(0.5, 0.012 * ctx.p.M))) {
    const d = Math.max(activated + 20, ctx.windowStart) + Math.floor(rng.next() * ctx.windowDays)
    if (d <= asOf && d < churn) {
      planDay = d
      if (kind === 'homefi') plan1 = plan === P_HOMEFI_UNL ? P_HOMEFI_300 : P_HOMEFI_UNL
      else {
        const up = rng.chance(0.7) // mostly upgrades (ran out of data), some downgrades
        const i = MOBILE_LADDER.indexOf(plan)
        plan1 = MOBILE_LADDER[Math.max(0, Math.min(3, i + (up ? 1 : -1)))]
        if (plan1 === plan) plan1 = MOBILE_LADDER[up ? i - 1 : i + 1]
      }
    }
  }
  const intl = kind === 'mobile' && rng.chance(a.business ? 0.12 : 0.08) ? laterDay(rng, activated, asOf) : Infinity
  const hotspot = kind === 'mobile' && plan !== P_DATA_1 && rng.chance(0.1) ? laterDay(rng, activated, asOf) : Infinity
  // usage rate, MB/day: heavy-tailed
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
  const npa = a.st.areaCodes[rng.int(a.st.areaCodes.length)]
  const sub = subscriberPart(id, ctx.p.seed)
  const iccBody = `8901${kind === 'iot' ? '480' : '260'}${String(31_000_000_000 + id * 7 + rng.int(7)).padStart(11, '0')}`
  const tacs = kind === 'homefi' ? TACS_HOMEFI : kind === 'iot' ? TACS_IOT : TACS_MOBILE
  const imeiBody = `${tacs[rng.int(tacs.length)]}${String(rng.int(1_000_000)).padStart(6, '0')}`
  const l: LineSim = {
    id, msisdn: `+1${npa}${sub}`, last4: sub.slice(3), iccid: iccBody + luhnDigit(iccBody), imei: imeiBody + luhnDigit(imeiBody),
    plan0: plan, plan1, planDay, intl, hotspot, pending, activated, churn, churnReason: '', disc: churn, discByDunning: false, dun: 0,
    reactivated: -Infinity, events: [], rate,
    smsRate: kind === 'mobile' ? rng.lognormal(9, 0.9) : kind === 'iot' ? rng.lognormal(0.3, 1) : 0,
    voiceRate: kind === 'mobile' ? rng.lognormal(6, 0.9) : 0,
    tags: [], topups: [], curUsed: 0, curTopup: 0, curSms: 0, curVoice: 0, curTopupCodes: [], planChangesMonth: 0,
  }
  // lifecycle events known up front
  if (pending) {
    l.events.push({ day: activated, sec: 36000 + rng.int(28000), kind: 'ordered', detail: `${PLAN_CODES[plan]} SIM shipped`, reason: 'new line', actor: 'web' })
    return l
  }
  l.events.push({ day: activated, sec: 32400 + rng.int(32000), kind: 'activated', detail: PLAN_CODES[plan], reason: 'new line', actor: a.business ? 'portal' : 'web' })
  if (intl !== Infinity) l.events.push({ day: intl, sec: 66000 + rng.int(10000), kind: 'addon_added', detail: 'INTL', reason: 'customer request', actor: 'web' })
  if (hotspot !== Infinity) l.events.push({ day: hotspot, sec: 66000 + rng.int(10000), kind: 'addon_added', detail: 'HOTSPOT', reason: 'customer request', actor: 'web' })
  if (planDay !== Infinity) {
    const up = PLAN_PRICE[plan1] > PLAN_PRICE[plan]
    l.events.push({ day: planDay, sec: 36000 + rng.int(30000), kind: 'plan_changed', detail: `${PLAN_CODES[plan]} → ${PLAN_CODES[plan1]}`, reason: up ? 'upgrade: customer ran out of data' : 'downgrade: customer request', actor: rng.chance(0.6) ? 'web' : 'care' })
    if (ymOfDay(planDay) === ctx.asOfYm) l.planChangesMonth = 1
  }
  if (churn !== Infinity) {
    l.churnReason = rng.chance(0.6) ? `ported out to ${rng.pick(PORT_OUT_CARRIERS)}` : rng.pick(CHURN_REASONS)
  }
  return l
}

function laterDay(rng: Rng, activated: number, asOf: number): number {
  return rng.chance(0.55) ? activated : activated + Math.floor(rng.next() * (asOf - activated + 1))
}

const MOBILE_LADDER = [P_DATA_1, P_DATA_5, P_DATA_15, P_UNL_PLUS]
const CHURN_REASONS = ['customer request: moving', 'customer request: cost', 'customer request: coverage', 'device retired']

function luhnDigit(body: string): string {
  // Luhn: double every second digit from the right of the full number (the check digit is the rightmost)
  let sum = 0
  let dbl = true
  for (let i = body.length - 1; i >= 0; i--) {
    let n = body.charCodeAt(i) - 48
    if (dbl) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
    dbl = !dbl
  }
  return String((10 - (sum % 10)) % 10)
}

function alive(l: LineSim, d: number): boolean {
  return !l.pending && l.activated <= d && l.disc > d
}

function planAt(l: LineSim, d: number): number {
  return d >= l.planDay ? l.plan1 : l.plan0
}

function dunningEvent(a: AccountSim, d: number, sec: number, kind: 'suspended' | 'hotlined' | 'disconnected' | 'resumed', reason: string): void {
  for (const l of a.ls) {
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

function payAll(a: AccountSim, d: number, sec: number): void {
  a.pays.push({ day: d, sec, invoiceIdx: a.invs.length - 1, firstUnpaid: a.firstUnpaid, ok: true, code: -1 })
  for (let i = a.firstUnpaid; i < a.invs.length; i++) a.invs[i].paidDay = d
  a.firstUnpaid = a.invs.length
  if (a.dunning === 1 || a.dunning === 2) dunningEvent(a, d, sec + 60, 'resumed', 'payment received')
  else if (a.dunning === 3 && d - a.dunningDisc <= RECONNECT_WINDOW) {
    for (const l of a.ls) {
      if (l.discByDunning && l.disc === a.dunningDisc && l.churn > d) {
        l.events.push({ day: d, sec: sec + 60, kind: 'reactivated', detail: '', reason: 'balance paid within 30 days', actor: 'dunning' })
        l.disc = l.churn
        l.discByDunning = false
        l.reactivated = d
      }
    }
    a.reactFeeNext = true
  }
  a.dunning = 0
}

function item(lineId: number | null, kind: InvoiceItemRowOut['kind'], code: string | null, description: string, amount: number): InvoiceItemRowOut {
  return { id: 0, invoice_id: 0, line_id: lineId, kind, code, description, amount_cents: amount }
}

/** Billing and dunning over the account's cycles, chronologically. */
function bill(ctx: Ctx, a: AccountSim): void {
  const rng = a.rng
  const asOf = ctx.asOf
  const starts = a.starts
  for (let j = a.firstCycle; j <= a.cur; j++) {
    const s = starts[j]
    const prevS = starts[j - 1]
    const nextS = starts[j + 1]
    const len = s - prevS
    const failing = j >= a.failFrom && j < a.failTo
    // a disconnected account pays its balance (manual payment) once it stops failing
    if (a.dunning === 3 && a.firstUnpaid < a.invs.length && !failing) {
      const d = s + 1 + rng.int(12)
      if (d <= asOf) payAll(a, d, 43200 + rng.int(20000))
    }
    const items: InvoiceItemRowOut[] = []
    for (const l of a.ls) {
      if (l.pending) continue
      if (alive(l, s)) {
        const p = planAt(l, s)
        items.push(item(l.id, 'plan', PLAN_CODES[p], `${PLAN_NAME[p]} — line ending ${l.last4}`, PLAN_PRICE[p]))
        if (l.intl <= s) items.push(item(l.id, 'addon', 'INTL', `${INTL.name} — line ending ${l.last4}`, INTL.priceCents))
        if (l.hotspot <= s) items.push(item(l.id, 'addon', 'HOTSPOT', `${HOTSPOT.name} — line ending ${l.last4}`, HOTSPOT.priceCents))
      }
      // proration for a mid-cycle activation / reactivation in the previous cycle
      const from = l.activated > prevS && l.activated < s ? l.activated : l.reactivated > prevS && l.reactivated < s ? l.reactivated : -1
      if (from > 0 && l.disc > s) {
        const pp = planAt(l, from)
        const used = s - from
        items.push(item(l.id, 'proration', PLAN_CODES[pp], `${PLAN_NAME[pp]} — ${used} of ${len} days (from ${ctx.days.iso(from)})`, Math.round((PLAN_PRICE[pp] * used) / len)))
      }
      // proration for a plan change in the previous cycle
      if (l.planDay > prevS && l.planDay < s && l.disc > l.planDay) {
        const left = s - l.planDay
        items.push(item(l.id, 'proration', PLAN_CODES[l.plan1], `Plan change ${PLAN_CODES[l.plan0]} → ${PLAN_CODES[l.plan1]}, ${left} of ${len} days`, Math.round(((PLAN_PRICE[l.plan1] - PLAN_PRICE[l.plan0]) * left) / len)))
      }
    }
    if (items.length === 0) continue
    if (a.lateFeeNext) items.push(item(null, 'fee', 'LATE_FEE', 'Late payment fee', LATE_FEE_CENTS))
    if (a.reactFeeNext) items.push(item(null, 'fee', 'REACTIVATION', 'Reactivation fee', REACTIVATION_FEE_CENTS))
    a.lateFeeNext = false
    a.reactFeeNext = false
    if (rng.chance(0.012)) items.push(item(null, 'credit', 'GOODWILL', 'Goodwill credit — billing dispute', -rng.range(2, 15) * 100))
    const inv: InvoiceSim = { id: ++ctx.ids.invoice, cycle: j, issued: s, due: s + DUE_DAYS, items, subtotal: 0, tax: 0, total: 0, paidDay: Infinity, firstUnpaidAtIssue: a.firstUnpaid }
    a.invs.push(inv)
    collect(ctx, a, inv, failing, nextS)
  }
}

/** Autopay attempts for one invoice and the dunning steps of the oldest unpaid one, in time order. */
function collect(ctx: Ctx, a: AccountSim, inv: InvoiceSim, failing: boolean, nextS: number): void {
  const rng = a.rng
  const D = inv.due
  const oldestDue = a.invs[a.firstUnpaid].due
  const hold = a.profile === 'hold'
  // steps: [day, what] — what 0..3 = attempt index, 10 suspend, 11 hotline, 12 disconnect
  const steps: number[] = []
  for (let i = 0; i < ATTEMPTS.length; i++) steps.push(D + ATTEMPTS[i], i)
  if (!hold) steps.push(oldestDue + a.sched[0], 10, oldestDue + a.sched[1], 11, oldestDue + a.sched[2], 12)
  // insertion sort of the (day, what) pairs (at most 7)
  for (let i = 2; i < steps.length; i += 2) {
    const d = steps[i]
    const w = steps[i + 1]
    let k = i - 2
    while (k >= 0 && (steps[k] > d || (steps[k] === d && steps[k + 1] > w))) {
      steps[k + 2] = steps[k]
      steps[k + 3] = steps[k + 1]
      k -= 2
    }
    steps[k + 2] = d
    steps[k + 3] = w
  }
  for (let i = 0; i < steps.length; i += 2) {
    const d = steps[i]
    const what = steps[i + 1]
    if (d > ctx.asOf || d >= nextS + DUE_DAYS) break
    if (a.firstUnpaid >= a.invs.length) break // paid
    if (what < 10) {
      let ok: boolean
      if (failing) ok = false
      else if (a.profile === 'good') ok = what === 0 ? !rng.chance(0.015) : rng.chance(0.85)
      else if (a.profile === 'flaky') ok = what === 0 ? !rng.chance(0.25) : rng.chance(0.6)
      else ok = what === 0 ? !rng.chance(0.05) : rng.chance(0.7)
      const sec = 14400 + what * 600 + rng.int(600)
      if (ok) payAll(a, d, sec)
      else {
        a.anyFailure = true
        a.pays.push({ day: d, sec, invoiceIdx: a.invs.length - 1, firstUnpaid: a.firstUnpaid, ok: false, code: rng.weighted(DECLINE_CUM) })
        if (what === 0) a.lateFeeNext = true
      }
    } else if (what === 10 && a.dunning < 1) {
      dunningEvent(a, d, 21600, 'suspended', `non-payment: dunning day ${a.sched[0]}`)
      a.dunning = 1
    } else if (what === 11 && a.dunning < 2) {
      dunningEvent(a, d, 21600, 'hotlined', `non-payment: dunning day ${a.sched[1]}`)
      a.dunning = 2
    } else if (what === 12 && a.dunning < 3) {
      dunningEvent(a, d, 21600, 'disconnected', `non-payment: dunning day ${a.sched[2]}`)
      a.dunning = 3
      a.dunningDisc = d
    }
  }
}

function byTime(x: { day: number; sec: number }, y: { day: number; sec: number }): number {
  return x.day - y.day || x.sec - y.sec
}

/** Voluntary churn and care-driven suspensions (lost devices, fraud review). */
function lineIncidents(ctx: Ctx, a: AccountSim): void {
  const rng = a.rng
  for (const l of a.ls) {
    if (l.pending) continue
    if (l.churn !== Infinity && !l.discByDunning) {
      l.events.push({ day: l.churn, sec: 50000 + rng.int(20000), kind: 'disconnected', detail: '', reason: l.churnReason, actor: l.churnReason.startsWith('ported') ? 'port-out' : 'care' })
      l.disc = l.churn
    }
    if (!a.anyFailure && rng.chance(0.004 * Math.min(ctx.p.M, 12))) {
      const sd = Math.max(l.activated, ctx.windowStart) + rng.int(ctx.windowDays)
      if (sd < l.disc && sd <= ctx.asOf) {
        const rd = rng.chance(0.15) ? Infinity : sd + 1 + Math.floor(rng.exp(4))
        const fraud = rng.chance(0.12)
        l.events.push({ day: sd, sec: 30000 + rng.int(30000), kind: fraud ? 'hotlined' : 'suspended', detail: '', reason: fraud ? 'fraud review: unusual international usage' : 'lost or stolen device (customer request)', actor: fraud ? 'fraud' : 'care' })
        if (rd < l.disc && rd <= ctx.asOf) l.events.push({ day: rd, sec: 30000 + rng.int(30000), kind: 'resumed', detail: '', reason: fraud ? 'fraud review cleared' : 'replacement SIM activated', actor: 'care' })
      }
    }
    if (l.events.length > 1) l.events.sort(byTime)
  }
}

/** Usage of one line: daily values for the daily window, cycle totals, top-ups, the current cycle. */
function lineUsage(ctx: Ctx, a: AccountSim, l: LineSim): void {
  if (l.pending) return
  const rng = a.rng
  const asOf = ctx.asOf
  const dailyStart = ctx.dailyStart
  const scratch = ctx.scratch
  scratch.fill(-1)
  // status change points: days and whether the line is usable after them
  const pts: number[] = []
  const usable: boolean[] = []
  for (const e of l.events) {
    const k = e.kind
    if (k === 'activated' || k === 'resumed' || k === 'reactivated') usable.push(true)
    else if (k === 'suspended' || k === 'hotlined' || k === 'disconnected') usable.push(false)
    else continue
    pts.push(e.day)
  }
  const weekdayF = l.plan0 <= P_HOMEFI_300 ? WEEKDAY_HOME : WEEKDAY_MOBILE
  const topupP = rng.chance(0.45) ? 0.6 : 0.05
  const starts = a.starts
  for (let j = a.firstCycle; j <= a.cur; j++) {
    const s = starts[j]
    const e = Math.min(starts[j + 1], asOf + 1) // exclusive
    if (l.activated >= e || l.disc <= s) continue
    const plan = planAt(l, e - 1)
    const bucket = PLAN_BUCKET[plan]
    let topupMb = 0
    let used: number
    let usableDays = 0
    if (s >= dailyStart) {
      let cum = 0
      let decided = false
      let pi = 0
      let u = false
      const rate = l.rate
      const planDay = l.planDay
      const b0 = PLAN_BUCKET[l.plan0]
      const b1 = PLAN_BUCKET[l.plan1]
      let wd = weekday(s)
      for (let d = s; d < e; d++, wd = wd === 6 ? 0 : wd + 1) {
        while (pi < pts.length && pts[pi] <= d) u = usable[pi++]
        if (!u) continue
        usableDays++
        let v = rate * weekdayF[wd] * NOISE[rng.u32() & 4095]
        const b = d >= planDay ? b1 : b0
        if (b > 0) {
          if (!decided && cum > 0.85 * (b + topupMb) && d - s < 0.8 * (e - s)) {
            decided = true
            if (rng.chance(topupP)) topupMb += addTopup(ctx, a, l, j, d, b)
          }
          if (cum >= b + topupMb) v *= 0.03 // throttled past the bucket
        }
        let mb = Math.round(v)
        if (mb > 65535) mb = 65535
        cum += mb
        scratch[d - dailyStart] = mb
      }
      used = cum
    } else {
      let pi = 0
      let u = false
      for (let d = s; d < e; d++) {
        while (pi < pts.length && pts[pi] <= d) u = usable[pi++]
        if (u) usableDays++
      }
      const projected = l.rate * usableDays * NOISE[rng.u32() & 4095] ** 0.4
      used = projected
      if (bucket > 0 && projected > bucket) {
        if (rng.chance(topupP)) topupMb += addTopup(ctx, a, l, j, Math.min(e - 1, s + Math.floor((e - s) * (0.5 + 0.4 * rng.next()))), bucket)
        const cap = bucket + topupMb
        if (projected > cap) used = cap + (projected - cap) * 0.03
      }
      used = Math.round(used)
    }
    const sms = Math.round(l.smsRate * usableDays)
    const voice = Math.round(l.voiceRate * usableDays)
    ctx.bCycles.push({ line_id: l.id, cycle_start: ctx.days.iso(s), data_mb: used, sms, voice_min: voice, plan_code: PLAN_CODES[plan] })
    if (j === a.cur) {
      l.curUsed = used
      l.curTopup = topupMb
      l.curSms = sms
      l.curVoice = voice
    }
  }
  // days of the daily window outside the cycles simulated day by day
  {
    let pi = 0
    let u = false
    for (let d = dailyStart; d <= asOf; d++) {
      while (pi < pts.length && pts[pi] <= d) u = usable[pi++]
      if (!u || scratch[d - dailyStart] >= 0) continue
      const v = l.rate * weekdayF[weekday(d)] * NOISE[rng.u32() & 4095]
      scratch[d - dailyStart] = Math.min(65535, Math.round(v * (PLAN_BUCKET[planAt(l, d)] > 0 && rng.chance(0.1) ? 0.03 : 1)))
    }
  }
  // daily rows, one per calendar month the line was alive in
  for (let m = 0; m < ctx.monthStart.length; m++) {
    const m0 = ctx.monthStart[m]
    const mDays = ctx.monthDays[m]
    if (l.activated >= m0 + mDays || l.disc <= m0) continue
    const buf = Buffer.allocUnsafe(mDays * 2)
    const off = m0 - dailyStart
    for (let i = 0; i < mDays; i++) {
      const v = scratch[off + i]
      buf[2 * i] = v > 0 ? v & 0xff : 0
      buf[2 * i + 1] = v > 0 ? v >>> 8 : 0
    }
    ctx.bDaily.push({ line_id: l.id, month: ctx.monthIso[m], mb: buf })
  }
  for (const t of l.topups) if (t[2] >= starts[a.cur] && !l.curTopupCodes.includes(t[1])) l.curTopupCodes.push(t[1])
}

function addTopup(ctx: Ctx, a: AccountSim, l: LineSim, j: number, d: number, bucket: number): number {
  const rng = a.rng
  const add = bucket >= 5 * 1024 && rng.chance(0.5) ? TOPUP_5GB : TOPUP_1GB
  l.topups.push([j, add.code, d])
  l.events.push({ day: d, sec: 78000 + rng.int(8000), kind: 'addon_added', detail: add.code, reason: 'one-off top-up', actor: 'web' })
  void ctx
  return add.dataMb!
}

function sumTotals(invs: InvoiceSim[], from: number, to: number): number {
  let s = 0
  for (let i = from; i <= to; i++) s += invs[i].total
  return s
}

/** Top-ups on the next invoice, totals with tax, payments with their amounts, the account's dunning figures. */
function settle(ctx: Ctx, a: AccountSim): void {
  const rng = a.rng
  const asOf = ctx.asOf
  const invs = a.invs
  for (const l of a.ls) {
    for (const [j, code, d] of l.topups) {
      const inv = invs.find((x) => x.cycle === j + 1)
      if (!inv) continue
      const ad = ADDON.get(code)!
      inv.items.push(item(l.id, 'topup', code, `${ad.name} — line ending ${l.last4}, ${ctx.days.iso(d)}`, ad.priceCents))
    }
  }
  const st = a.st
  const taxLabel = `Taxes and surcharges (${st.code} ${(st.taxBp / 100).toFixed(2)}%)`
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
    if (tax > 0) inv.items.push(item(null, 'tax', `TAX_${st.code}`, taxLabel, tax))
    inv.subtotal = sub
    inv.tax = tax
    inv.total = sub + tax
    for (const it of inv.items) {
      it.id = ++ctx.ids.item
      it.invoice_id = inv.id
      ctx.bItems.push(it)
    }
  }
  for (let idx = 0; idx < invs.length; idx++) {
    const inv = invs[idx]
    const paid = inv.paidDay <= asOf
    ctx.bInvoices.push({
      id: inv.id,
      account_id: a.id,
      period: ymIso(ymOfDay(inv.issued)),
      issued_at: ctx.days.iso(inv.issued),
      due_at: ctx.days.iso(inv.due),
      prior_balance_cents: idx > inv.firstUnpaidAtIssue ? sumTotals(invs, inv.firstUnpaidAtIssue, idx - 1) : 0,
      subtotal_cents: inv.subtotal,
      tax_cents: inv.tax,
      total_cents: inv.total,
      status: paid ? 'paid' : inv.due < asOf ? 'past_due' : 'open',
      paid_at: paid ? ctx.days.iso(inv.paidDay) : null,
    })
  }
  let streak = 0
  for (const p of a.pays) {
    const amount = sumTotals(invs, p.firstUnpaid, p.invoiceIdx)
    if (amount <= 0) continue // nothing to collect (a fully credited invoice)
    const dec = p.ok ? null : DECLINES[p.code]
    ctx.bPayments.push({
      id: ++ctx.ids.payment,
      account_id: a.id,
      invoice_id: invs[p.invoiceIdx].id,
      created_at: stamp(ctx.days.iso(p.day), p.sec),
      amount_cents: amount,
      status: p.ok ? 'succeeded' : 'failed',
      failure_code: dec ? dec[0] : null,
      failure_message: dec ? dec[1] : null,
      method_token: a.methodToken,
    })
    streak = p.ok ? 0 : streak + 1
  }
  let pastDue = 0
  let oldestDue = Infinity
  for (let i = a.firstUnpaid; i < invs.length; i++) {
    if (invs[i].due < asOf) {
      pastDue += invs[i].total
      if (invs[i].due < oldestDue) oldestDue = invs[i].due
    }
  }
  a.streak = streak
  a.pastDue = pastDue
  a.daysPastDue = oldestDue === Infinity ? 0 : asOf - oldestDue
  a.wallet = rng.chance(0.04) ? rng.range(1, 10) * 500 : 0
}

const EVERYDAY = ['coverage', 'technical', 'device', 'account_update', 'billing_question', 'roaming']
const EVERYDAY_SUMMARIES: Record<string, string[]> = {
  coverage: ['Weak signal indoors at home; walked through Wi-Fi calling setup.', 'Reported no service downtown; confirmed a tower outage, resolved next day.'],
  technical: ['Data not working after travel; reset APN settings.', 'HomeFi gateway dropping connection; moved it near a window, speeds normal.', 'Could not send MMS; reprovisioned the line.'],
  device: ['Asked whether a new phone is compatible; IMEI check passed.', 'eSIM transfer to a new phone; ICCID validated and swapped.'],
  account_update: ['Updated billing address and email.', 'Added an authorized user to the account.', 'Changed the autopay card.'],
  billing_question: ['Asked why the bill was higher this month; explained proration and top-ups.', 'Asked about taxes and surcharges on the invoice.'],
  roaming: ['Traveling to Mexico next week; explained the international add-on.', 'Asked about using the line in Canada.'],
}

interface CareSim {
  day: number
  sec: number
  line: number | null
  category: string
  summary: string
}

function careInteractions(ctx: Ctx, a: AccountSim): void {
  const rng = a.rng
  const care: CareSim[] = []
  let firstFail: PaymentSim | undefined
  for (const p of a.pays) {
    if (!p.ok) {
      firstFail = p
      break
    }
  }
  if (firstFail && rng.chance(0.35)) {
    const dec = DECLINES[firstFail.code]
    care.push({ day: firstFail.day + rng.int(3), sec: 0, line: null, category: 'payment_failed', summary: `Autopay declined (${dec[0]} ${dec[1]}). Customer will update the card on file; explained the retry schedule.` })
  }
  const suspendP = 0.4 / Math.max(1, a.ls.length / 2)
  for (const l of a.ls) {
    for (const e of l.events) {
      if (e.actor === 'dunning' && e.kind === 'suspended') {
        if (rng.chance(suspendP)) care.push({ day: e.day + rng.int(2), sec: 0, line: l.id, category: 'suspension', summary: `Line ending ${l.last4} suspended for non-payment; customer asked to restore service. Explained the balance and the reactivation steps.` })
      } else if (e.kind === 'plan_changed' && e.actor === 'care') {
        care.push({ day: e.day, sec: e.sec - 300, line: l.id, category: 'plan_change', summary: `Changed plan ${e.detail} on line ending ${l.last4} (${e.reason}).` })
      } else if (e.actor === 'care' && e.kind === 'suspended') {
        care.push({ day: e.day, sec: e.sec - 300, line: l.id, category: 'device', summary: `Customer reported the phone on line ending ${l.last4} lost; line suspended until a replacement SIM is activated.` })
      }
    }
    if (l.churn !== Infinity && l.churnReason.startsWith('ported') && rng.chance(0.4)) {
      care.push({ day: Math.max(l.activated, l.churn - rng.int(5) - 1), sec: 0, line: l.id, category: 'port_out', summary: `Customer requested the port-out PIN for line ending ${l.last4}; retention offer declined.` })
    } else if (l.disc === Infinity && !l.pending && rng.chance(0.006)) {
      care.push({ day: Math.max(l.activated, ctx.asOf - rng.int(40)), sec: 0, line: l.id, category: 'port_out', summary: `Customer asked for the port-out PIN for line ending ${l.last4}; offered a loyalty credit, undecided.` })
      l.tags.push('port-risk')
    }
  }
  if (a.profile === 'hold' && firstFail) {
    care.push({ day: firstFail.day + 1 + rng.int(4), sec: 0, line: null, category: 'promise_to_pay', summary: a.business ? 'Accounts payable confirmed the invoice is in their approval queue (net terms); dunning paused.' : 'Customer promised to pay the balance by the end of the month; automatic suspension paused.' })
  }
  for (const inv of a.invs) {
    for (const it of inv.items) {
      if (it.kind === 'credit') care.push({ day: Math.max(a.created, inv.issued - 1 - rng.int(10)), sec: 0, line: null, category: 'billing_dispute', summary: `Customer disputed a charge on the last invoice; applied a ${money(-it.amount_cents)} goodwill credit.` })
    }
  }
  const perMonth = a.business ? 0.06 : 0.025
  const from = Math.max(a.created, ctx.windowStart)
  let n = 0
  for (let j = a.firstCycle; j <= a.cur; j++) if (a.starts[j] >= a.created && rng.chance(perMonth * Math.min(3, a.ls.length))) n++
  for (let i = 0; i < n; i++) {
    const cat = EVERYDAY[rng.int(EVERYDAY.length)]
    const d = from + rng.int(ctx.asOf - from + 1)
    const l = a.ls[rng.int(a.ls.length)]
    care.push({ day: d, sec: 0, line: l.pending ? null : l.id, category: cat, summary: rng.pick(EVERYDAY_SUMMARIES[cat]) })
  }
  if (care.length === 0) return
  for (const c of care) if (c.sec <= 0) c.sec = 28800 + rng.int(36000)
  care.sort(byTime)
  for (const c of care) {
    if (c.day > ctx.asOf) continue
    const x = rng.next()
    ctx.bCare.push({
      id: ++ctx.ids.care,
      account_id: a.id,
      line_id: c.line,
      created_at: stamp(ctx.days.iso(c.day), c.sec),
      channel: x < 0.55 ? 'call' : x < 0.85 ? 'chat' : x < 0.95 ? 'email' : 'sms',
      category: c.category,
      summary: c.summary,
      agent: c.category === 'billing_question' && rng.chance(0.3) ? 'Care Bot' : AGENTS[rng.int(AGENTS.length - 1)],
    })
  }
}

function emitAccount(ctx: Ctx, a: AccountSim): void {
  const rng = a.rng
  const asOf = ctx.asOf
  const tags: string[] = []
  if (a.vip) tags.push('vip')
  if (a.profile === 'hold' && a.streak > 0) tags.push(rng.chance(0.5) ? 'follow-up' : 'promise-to-pay')
  else if (a.streak > 1 && rng.chance(0.3)) tags.push('follow-up')
  if (a.business && a.ls.length >= 20) tags.push('enterprise')
  if (a.ls.some((l) => l.tags.includes('port-risk'))) tags.push('port-risk')
  tags.sort()
  const type = a.business ? 'business' : 'consumer'
  ctx.bAccounts.push({
    id: a.id, name: a.name, email: a.email, street: a.street, city: a.city, state: a.st.code, zip: a.zip, type,
    wallet_cents: a.wallet, past_due_cents: a.pastDue, days_past_due: a.daysPastDue, failed_payments: a.streak,
    tags: tags.join(','), created_at: ctx.days.iso(a.created), row_version: 1,
  })
  const curStartIso = ctx.days.iso(a.starts[a.cur])
  const asOfIso = ctx.days.iso(asOf)
  for (const l of a.ls) {
    let status: LineRowOut['status'] = 'pending'
    let lastAt = ''
    for (const e of l.events) {
      if (e.day > asOf) continue
      let change = true
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
        case 'ordered':
          break
        default:
          change = false
      }
      // nothing but status changes happens to a disconnected line (an add-on drawn for a later day is dropped)
      if (!change && status === 'disconnected') continue
      const at = stamp(ctx.days.iso(e.day), e.sec)
      ctx.bEvents.push({ id: ++ctx.ids.event, line_id: l.id, at, kind: e.kind, detail: e.detail, reason: e.reason, actor: e.actor, batch_id: null })
      if (change) lastAt = at
    }
    const addons: string[] = []
    if (status !== 'pending') {
      if (l.hotspot <= asOf && l.hotspot < l.disc) addons.push('HOTSPOT')
      if (l.intl <= asOf && l.intl < l.disc) addons.push('INTL')
    }
    for (const code of l.curTopupCodes) addons.push(code)
    addons.sort()
    const ltags = l.tags.slice()
    if (a.vip) ltags.push('vip')
    if (a.business && l.plan1 === P_IOT_500) ltags.push('fleet')
    if (status === 'active' && a.streak > 3 && rng.chance(0.2)) ltags.push('follow-up')
    ltags.sort()
    ctx.bLines.push({
      id: l.id, msisdn: l.msisdn, iccid: l.iccid, imei: l.imei, account_id: a.id,
      plan_code: PLAN_CODES[l.planDay <= asOf && l.planDay < l.disc ? l.plan1 : l.plan0],
      addons: addons.join(','), status,
      activated_at: l.pending ? null : ctx.days.iso(l.activated),
      disconnected_at: status === 'disconnected' ? lastAt.slice(0, 10) : null,
      cycle_day: a.cycleDay, cycle_start: curStartIso,
      data_used_mb: l.curUsed, topup_mb: l.curTopup, sms_used: l.curSms, voice_min: l.curVoice, plan_changes_month: l.planChangesMonth,
      tags: ltags.join(','), row_version: 1,
      updated_at: status === 'active' ? stamp(asOfIso, 3600 + rng.int(20000)) : lastAt,
      account_name: a.name, email: a.email, state: a.st.code, zip: a.zip, account_type: type,
      failed_payments: a.streak, past_due_cents: a.pastDue, days_past_due: a.daysPastDue, wallet_cents: a.wallet,
    })
  }
}

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

/**
 * Generates the demo workspace into an empty local store (fast path: indexes dropped and rebuilt, durability relaxed
 * during the load). Yields to the event loop between batches and reports progress.
 */
export async function generateDemo(db: Db, opts: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoSummary> {
  const has = db.prepare('SELECT EXISTS (SELECT 1 FROM lines) OR EXISTS (SELECT 1 FROM accounts) AS n').get() as { n: number }
  if (has.n) throw new AppError('CONFLICT', 'This workspace already has data; the demo generator only fills an empty workspace.')
  db.exec('DELETE FROM plans; DELETE FROM addons')
  const workers = Math.max(1, Math.floor(opts.workers ?? 1))
  if (workers > 1) {
    const par = await import('./parallel')
    if (par.parallelAvailable()) return par.generateDemoParallel(db, opts, workers, onProgress)
  }
  const sink = new SqliteDemoSink(db, { onIndex: (done, total) => onProgress?.({ phase: 'index', done, total }) })
  try {
    const r = await generateDemoInto(sink, opts, onProgress)
    r.phases = phasesOf(sink.timings)
    return r
  } catch (e) {
    sink.abort()
    throw e
  }
}

export function phasesOf(t: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k.replace(/_ms$/, '_s'), Math.round(v / 10) / 100]))
}

export { isoDay, dayOf }
