// One account and its lines, drawn from the account's stream: who they are, where, which plans, when lines activate,
// change plan or churn; then the incidents of their lines (voluntary disconnections, lost devices, fraud reviews).
import {
  BUSINESS_MOBILE,
  CONSUMER_MOBILE,
  CONSUMER_MOBILE_PLANS,
  P_DATA_1,
  P_DATA_5,
  P_DATA_15,
  P_HOMEFI_300,
  P_HOMEFI_UNL,
  P_IOT_500,
  P_UNL_PLUS,
  PLAN_BUCKET,
  PLAN_CODES,
  PLAN_PRICE,
  SCHEDULE_EXTENDED,
  SCHEDULE_STANDARD,
  STATE_CUM,
} from './constants'
import { byTime, type AccountSim, type Ctx, type LineSim, type Profile } from './context'
import { ymOfDay } from './dates'
import { STATES } from './geo'
import {
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
import { luhnDigit, subscriberPart } from './numbers'
import { accountShape } from './params'
import { Rng } from './rng'

export function newAccount(ctx: Ctx, idx: number, firstLineId: number): AccountSim {
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

/** Voluntary churn and care-driven suspensions (lost devices, fraud review). */
export function lineIncidents(ctx: Ctx, a: AccountSim): void {
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
