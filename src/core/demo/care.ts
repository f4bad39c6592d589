// Care interactions of one account: the contacts its history calls for (declines, suspensions, port-outs, disputes,
// promises to pay) and everyday ones, in time order.
import { DECLINES, money } from './constants'
import { byTime, type AccountSim, type Ctx, type PaymentSim } from './context'
import { stamp } from './dates'
import { AGENTS } from './names'

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

export function careInteractions(ctx: Ctx, a: AccountSim): void {
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
