// Usage of one line: heavy-tailed daily use over the daily window (throttled past the bucket, with top-ups), cycle
// totals before it, and the figures of the current cycle.
import { NOISE, PLAN_BUCKET, PLAN_CODES, P_HOMEFI_300, TOPUP_1GB, TOPUP_5GB, WEEKDAY_HOME, WEEKDAY_MOBILE } from './constants'
import { planAt, type AccountSim, type Ctx, type LineSim } from './context'
import { weekday } from './dates'

/** Usage of one line: daily values for the daily window, cycle totals, top-ups, the current cycle. */
export function lineUsage(ctx: Ctx, a: AccountSim, l: LineSim): void {
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
