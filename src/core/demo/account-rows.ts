// The rows of one simulated account: the account, its lines (status, add-ons and current cycle as of the as-of date,
// with the account's figures denormalized) and their lifecycle events up to the as-of date.
import { PLAN_CODES, P_IOT_500 } from './constants'
import type { AccountSim, Ctx } from './context'
import { stamp } from './dates'
import type { LineRowOut } from './sink'

export function emitAccount(ctx: Ctx, a: AccountSim): void {
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
