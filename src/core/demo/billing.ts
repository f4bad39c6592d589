// Billing, collection and dunning of one account over its cycles: invoices with their items, autopay attempts and
// declines, the dunning steps (suspend, hotline, disconnect) and what paying undoes; then the invoices' totals with
// tax, the payments' amounts and the account's dunning figures as of the as-of date.
import {
  ADDON,
  ATTEMPTS,
  DECLINE_CUM,
  DECLINES,
  DUE_DAYS,
  HOTSPOT,
  INTL,
  LATE_FEE_CENTS,
  PLAN_CODES,
  PLAN_NAME,
  PLAN_PRICE,
  REACTIVATION_FEE_CENTS,
  RECONNECT_WINDOW,
} from './constants'
import { alive, item, planAt, type AccountSim, type Ctx, type InvoiceSim } from './context'
import { stamp, ymIso, ymOfDay } from './dates'
import type { InvoiceItemRowOut } from './sink'

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

/** Billing and dunning over the account's cycles, chronologically. */
export function bill(ctx: Ctx, a: AccountSim): void {
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

function sumTotals(invs: InvoiceSim[], from: number, to: number): number {
  let s = 0
  for (let i = from; i <= to; i++) s += invs[i].total
  return s
}

/** Top-ups on the next invoice, totals with tax, payments with their amounts, the account's dunning figures. */
export function settle(ctx: Ctx, a: AccountSim): void {
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
