// The generation context (one per shard): the calendar of the history window, the row batches waiting for the sink
// and the shard's id counters; and the simulation's state for one account (its lines, invoices and payments), with
// the small questions every step asks of it.
import { DayNames, dayOfYm, daysInYm, domOfDay, parseIsoDay, ymIso, ymOfDay } from './dates'
import type { StateInfo } from './geo'
import type { DemoParams } from './params'
import type { Rng } from './rng'
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

export interface Ev {
  day: number
  sec: number
  kind: string
  detail: string
  reason: string | null
  actor: string
}

export interface LineSim {
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

export interface InvoiceSim {
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

export interface PaymentSim {
  day: number
  sec: number
  invoiceIdx: number
  firstUnpaid: number
  ok: boolean
  code: number // decline index
}

export type Profile = 'good' | 'flaky' | 'delinquent' | 'hold'

export interface AccountSim {
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

export class Ctx {
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

export function alive(l: LineSim, d: number): boolean {
  return !l.pending && l.activated <= d && l.disc > d
}

export function planAt(l: LineSim, d: number): number {
  return d >= l.planDay ? l.plan1 : l.plan0
}

export function item(lineId: number | null, kind: InvoiceItemRowOut['kind'], code: string | null, description: string, amount: number): InvoiceItemRowOut {
  return { id: 0, invoice_id: 0, line_id: lineId, kind, code, description, amount_cents: amount }
}

export function byTime(x: { day: number; sec: number }, y: { day: number; sec: number }): number {
  return x.day - y.day || x.sec - y.sec
}
