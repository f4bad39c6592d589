// The local parser's cohort conditions: named things (plans, states, statuses, account types, ZIPs, add-ons, tags)
// become = / in (negated: != / not in); quantities (money, data, durations, counts, dates) become comparisons on the
// field their neighbouring words name ("owing" → past_due_cents, "remaining" → data_remaining_mb…).
import { planBySize, type Tok, type TokOf } from './local-lexicon'
import { fail, isWord, negatedBefore, prevWord, rawOf, tagOf, tagWordsAt, zeroBefore, type Ctx } from './local-context'
import type { Condition, Op } from './schema'

export interface Cond {
  /** where in the sentence it came from: conditions keep the sentence's order */
  at: number
  cond: Condition
  /** implied by the action (remove_addon → addon = X); dropped when the scope is not a cohort */
  implied?: boolean
}

type Kind = 'plan' | 'state' | 'status' | 'acct' | 'zip' | 'addon'
const FIELD_OF: Record<Kind, Condition['field']> = { plan: 'plan', state: 'state', status: 'status', acct: 'account_type', zip: 'zip', addon: 'addon' }
const GROUP_GLUE = /^(?:,|or|and|\/|either|nor|the|plus)$/

export function readConditions(ctx: Ctx, impliedAddon?: { code: string; at: number }): Cond[] {
  const out: Cond[] = []
  plansBySize(ctx)
  tagConditions(ctx, out)
  groups(ctx, out)
  quantities(ctx, out)
  presence(ctx, out)
  if (impliedAddon) out.push({ at: impliedAddon.at, cond: { field: 'addon', op: '=', value: impliedAddon.code }, implied: true })
  // a line has one plan, status, state…: two positive tests on one of them cannot both hold
  const seen = new Map<string, Condition>()
  for (const { cond } of out) {
    if (!SINGLE_VALUED.has(cond.field) || (cond.op !== '=' && cond.op !== 'in')) continue
    const prev = seen.get(cond.field)
    if (prev && JSON.stringify(prev.value) === JSON.stringify(cond.value) && prev.op === cond.op) continue
    if (prev)
      fail(
        `a line has one ${cond.field.replace('_', ' ')}: '${String(prev.value)}' and '${String(cond.value)}' cannot both hold`,
        `for either of them say "${cond.field === 'plan' ? 'on Mobile 1GB or Mobile 5GB' : 'in Texas or Oklahoma'}"`,
      )
    seen.set(cond.field, cond)
  }
  return out.sort((a, b) => a.at - b.at)
}
const SINGLE_VALUED = new Set(['plan', 'status', 'state', 'zip', 'account_type', 'account'])

/** "on 5GB", "from the 15 gig" (no comparator): a plan by its size */
function plansBySize(ctx: Ctx): void {
  ctx.toks.forEach((t, i) => {
    if (t.k !== 'data' || ctx.used.has(i) || ctx.toks[i - 1]?.k === 'cmp') return
    if (!isWord(ctx.toks[prevWord(ctx, i)], /^(?:on|from)$/)) return
    if (isWord(ctx.toks[i + 1], /^(?:remaining|left|used|of|data)$/)) return
    const code = planBySize(t.v)
    if (!code) fail(`unknown plan '${rawOf(ctx, t)}'`, 'plans: Mobile 1GB, Mobile 5GB, Mobile 15GB, HomeFi 300GB, IoT 500MB, HomeFi Unlimited, Unlimited Plus')
    ctx.toks[i] = { k: 'plan', v: code, raw: t.raw, s: t.s, e: t.e }
  })
}

/** "tagged vip", "not tagged follow-up", "with the vip tag", "without the churn-risk tag" */
function tagConditions(ctx: Ctx, out: Cond[]): void {
  const { toks, used } = ctx
  toks.forEach((t, i) => {
    if (used.has(i) || t.k !== 'word') return
    if (t.w === 'tagged' || t.w === 'untagged') {
      const at = isWord(toks[i + 1], /^(?:as|with)$/) ? i + 2 : i + 1
      const got = tagWordsAt(ctx, isWord(toks[at], /^(?:the|a|an)$/) ? at + 1 : at)
      if (!got) return
      const neg = t.w === 'untagged' || negatedBefore(ctx, i)
      for (let k = i; k < got[1]; k++) used.add(k)
      out.push({ at: t.s, cond: { field: 'tag', op: neg ? '!=' : '=', value: tagOf(got[0]) } })
      return
    }
    if (/^tags?$/.test(t.w)) {
      // with/without [the] X tag
      let j = i - 1
      const words: string[] = []
      while (j >= 0 && toks[j].k === 'word' && !/^(?:with|without|having|has|have|lacking|missing|the|a|an|no)$/.test((toks[j] as TokOf<'word'>).w) && words.length < 3)
        words.unshift((toks[j--] as TokOf<'word'>).w)
      while (j >= 0 && isWord(toks[j], /^(?:the|a|an)$/)) j--
      if (!words.length || !isWord(toks[j], /^(?:with|without|having|has|have|lacking|missing|no)$/)) return
      const neg = isWord(toks[j], /^(?:without|lacking|missing|no)$/) || negatedBefore(ctx, j)
      for (let k = j; k <= i; k++) used.add(k)
      out.push({ at: toks[j].s, cond: { field: 'tag', op: neg ? '!=' : '=', value: tagOf(words.join('-')) } })
    }
  })
}

function groups(ctx: Ctx, out: Cond[]): void {
  const { toks, used } = ctx
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (used.has(i) || !(t.k in FIELD_OF)) continue
    const kind = t.k as Kind
    const members = [i]
    const glue: string[] = []
    let j = i + 1
    for (;;) {
      let k = j
      const g: string[] = []
      while (k < toks.length && isWord(toks[k], GROUP_GLUE)) g.push((toks[k++] as TokOf<'word'>).w)
      if (k < toks.length && toks[k].k === kind && !used.has(k) && g.length > 0) {
        members.push(k)
        glue.push(...g)
        j = k + 1
        continue
      }
      break
    }
    for (const m of members) used.add(m)
    for (let k = i; k < j; k++) used.add(k)
    const values = [...new Set(members.map((m) => valueOf(toks[m])))]
    const selfNeg = members.some((m) => (toks[m] as { neg?: boolean }).neg === true)
    const neg = selfNeg || negatedBefore(ctx, i)
    const field = FIELD_OF[kind]
    if (kind === 'addon') {
      if (values.length > 1 && glue.includes('or'))
        fail(`'${rawOf(ctx, t)} or …': add-ons cannot be combined with "or"`, 'a cohort is an AND of conditions: one add-on per command, or "with hotspot and international calling"')
      for (const v of values) out.push({ at: toks[members[0]].s, cond: { field: 'addon', op: neg ? '!=' : '=', value: v } })
      continue
    }
    const cond =
      values.length === 1
        ? ({ field, op: neg ? '!=' : '=', value: values[0] } as Condition)
        : ({ field, op: neg ? 'not in' : 'in', value: values } as Condition)
    out.push({ at: t.s, cond })
  }
}

function valueOf(t: Tok): string {
  switch (t.k) {
    case 'plan':
    case 'state':
    case 'status':
    case 'acct':
    case 'zip':
    case 'addon':
      return t.v
    default:
      return ''
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Quantities

type Quantity = TokOf<'money'> | TokOf<'data'> | TokOf<'dur'> | TokOf<'num'> | TokOf<'date'>
const QUANTITY = new Set(['money', 'data', 'dur', 'num', 'date'])
type CmpTok = TokOf<'cmp'>

function window(ctx: Ctx, from: number, dir: 1 | -1): string {
  const words: string[] = []
  for (let j = from, n = 0; j >= 0 && j < ctx.toks.length && n < 6; j += dir, n++) {
    const t = ctx.toks[j]
    if (t.k === 'cmp' && (t.postfix || t.tenure)) {
      words.push(t.raw)
      continue
    }
    if (t.k !== 'word') break
    if (/^(?:and|or|,|;)$/.test(t.w)) break
    if (dir === 1 && /^(?:with|who|that|whose|which|where)$/.test(t.w)) break
    words.push(t.w)
  }
  return (dir === 1 ? words : words.reverse()).join(' ')
}

type Field = 'past_due_cents' | 'wallet_cents' | 'data_used_mb' | 'data_remaining_mb' | 'failed_payments' | 'days_past_due' | 'tenure_days' | 'activated'
  /** a field named explicitly, taking the number as is */
  | `=${string}`

const RULES: Record<Quantity['k'], [RegExp, Field][]> = {
  money: [
    [/\bwallet|\bcredit\b|\bprepaid|\bstored\s+value/, 'wallet_cents'],
    [/past[\s-]?due|overdue|\bow(?:e|es|ed|ing)\b|\bdebts?\b|unpaid|outstanding|arrears|behind|\bdue\b|delinquent/, 'past_due_cents'],
  ],
  data: [
    [/\bremaining|\bleft\b|\bremains?\b|available|\bto go\b|unused/, 'data_remaining_mb'],
    [/\bused?\b|usage|\busing\b|consum|burn|spent|\buses\b/, 'data_used_mb'],
  ],
  dur: [
    [/past[\s-]?due|overdue|\blate\b|delinquent|behind|unpaid/, 'days_past_due'],
    [/activat|\bjoined\b|signed\s+up|\badded\b|\bopened\b|\bnew\b|\bstarted\b|\bago\b/, 'activated'],
    [/tenure|customers?\b|subscribers?\b|members?\b|with\s+us|\bbeen\b|\bold\b|older|\bfor\b|\bsince\b|\blong|newer|younger|shorter|longer|\bactive\b/, 'tenure_days'],
  ],
  num: [[/\bfail|declin|missed|bounced|\bpayments?\b|returned/, 'failed_payments']],
  date: [[/activat|\bjoined\b|signed\s+up|\badded\b|\bopened\b|\bstarted\b|\bnew\b|\bsince\b/, 'activated']],
}

/** the contract's own field names, typed as such ("failed_payments > 3", "data_used_mb over 10240") */
const EXPLICIT = /\b(past_due_cents|wallet_cents|data_used_mb|data_remaining_mb|failed_payments|days_past_due|tenure_days)\b/

function fieldOf(ctx: Ctx, q: Quantity, before: number, after: number): Field {
  const ahead = window(ctx, after, 1)
  const behind = window(ctx, before, -1)
  // dates only ever compare with the activation date: one mention of activation covers every date in the sentence
  if (q.k === 'date' && ctx.toks.some((t) => t.k === 'word' && /^(?:activated|activation|activations|activate)$/.test(t.w))) return 'activated'
  const named = EXPLICIT.exec(behind) ?? EXPLICIT.exec(ahead)
  if (named && q.k === 'num') return `=${named[1]}` as Field
  for (const text of [ahead, behind]) for (const [re, f] of RULES[q.k]) if (re.test(text)) return f
  // "more than 500 MB and less than 1 GB remaining": the field is named once, after the second quantity
  let k = after
  if (isWord(ctx.toks[k], /^(?:and|but)$/)) {
    k++
    if (ctx.toks[k]?.k === 'cmp') k++
    const next = ctx.toks[k]
    if (next && next.k === q.k) {
      const nextAhead = window(ctx, ctx.toks[k + 1]?.k === 'cmp' ? k + 2 : k + 1, 1)
      for (const [re, f] of RULES[q.k]) if (re.test(nextAhead)) return f
    }
  }
  // the whole clause, for "activated more than 30 days ago" where "ago" sits right after the quantity
  if (q.k === 'money' && /\bbalance\b/.test(`${behind} ${ahead}`))
    fail(`'${rawOf(ctx, q)}' of which balance?`, 'say "owing over $100" (past due) or "wallet under $5" (wallet credit)')
  if (q.k === 'data') fail(`'${rawOf(ctx, q)}' used or remaining?`, 'say "less than 500 MB remaining" or "used over 10 GB this cycle"')
  fail(`could not tell what '${rawOf(ctx, q)}' refers to`, hintOf(q.k))
}

function hintOf(k: Quantity['k']): string {
  switch (k) {
    case 'money':
      return 'amounts are past due ("owing over $100") or wallet ("wallet under $5")'
    case 'data':
      return 'data is used or remaining this cycle ("less than 500 MB remaining")'
    case 'dur':
      return 'durations are days past due ("more than 30 days past due"), tenure ("customers for more than 2 years") or activation ("activated in the last 30 days")'
    case 'num':
      return 'plain numbers count failed payments ("more than 3 failed payments in a row")'
    case 'date':
      return 'the only date is the activation date ("activated before 2025-01-01")'
  }
}

function isoDaysBefore(now: Date, days: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  d.setUTCDate(d.getUTCDate() - days)
  return d.toISOString().slice(0, 10)
}

const FLIP: Record<Op, Op> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '!=': '!=', in: 'in', 'not in': 'not in' }

function quantities(ctx: Ctx, out: Cond[]): void {
  const { toks, used } = ctx
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (used.has(i)) continue
    // between X and Y
    if (t.k === 'cmp' && t.op === 'between') {
      const a = toks[i + 1]
      const b = toks[i + 3]
      if (!a || !b || !QUANTITY.has(a.k) || !QUANTITY.has(b.k) || !isWord(toks[i + 2], /^(?:and|to)$/)) continue
      let lo = a as Quantity
      const hi = b as Quantity
      if (lo.k === 'num' && hi.k !== 'num' && hi.k !== 'date') lo = { ...hi, v: Math.round(lo.v * hi.unit), s: lo.s, e: lo.e } as Quantity
      if (lo.k !== hi.k) fail(`between '${rawOf(ctx, a)}' and '${rawOf(ctx, b)}': not the same kind of thing`, 'e.g. "between $50 and $100 past due"')
      for (let k = i; k <= i + 3; k++) used.add(k)
      const f = fieldOf(ctx, hi, i - 1, i + 4)
      if (lo.k === 'date' && hi.k === 'date') {
        if (f !== 'activated') fail('only the activation date can be compared to dates', hintOf('date'))
        out.push({ at: t.s, cond: { field: 'activated_at', op: '>=', value: lo.from } })
        out.push({ at: t.s, cond: { field: 'activated_at', op: '<=', value: hi.to } })
        continue
      }
      for (const [op, q] of [['>=', lo], ['<=', hi]] as const) pushComparison(ctx, out, t.s, f, op, q, false, false)
      continue
    }
    if (!QUANTITY.has(t.k)) continue
    // "15 to 30 days past due", "from $50 to $100"
    const b = toks[i + 2]
    if (t.k !== 'date' && isWord(toks[i + 1], /^(?:to|through|-)$/) && b && QUANTITY.has(b.k) && b.k !== 'date' && !used.has(i + 2) && (t.k === b.k || t.k === 'num')) {
      const lo = (t.k === 'num' && b.k !== 'num' ? { ...b, v: Math.round(t.v * (b as { unit: number }).unit), s: t.s, e: t.e } : t) as Quantity
      for (let k = i; k <= i + 2; k++) used.add(k)
      if (isWord(toks[i - 1], /^from$/)) used.add(i - 1)
      const f = fieldOf(ctx, b as Quantity, i - 1, i + 3)
      for (const [op, q] of [['>=', lo], ['<=', b as Quantity]] as const) pushComparison(ctx, out, t.s, f, op, q, false, false)
      continue
    }
    const q = t as Quantity
    used.add(i)
    let op: Op = '='
    let cmp: CmpTok | null = null
    const p = toks[i - 1]
    const n = toks[i + 1]
    let cmpAt = -1
    if (p?.k === 'cmp' && !p.postfix && !used.has(i - 1)) cmpAt = i - 1
    else if (n?.k === 'cmp' && n.postfix) cmpAt = i + 1
    else {
      // "3 failed payments or more": a postfix comparator after the quantity's own words
      for (let j = i + 1; j <= i + 4 && j < toks.length; j++) {
        const u = toks[j]
        if (u.k === 'cmp' && u.postfix && !used.has(j)) cmpAt = j
        if (u.k !== 'word' || /^(?:and|or|,|with|who|that)$/.test(u.w)) break
      }
    }
    if (cmpAt >= 0) cmp = toks[cmpAt] as CmpTok
    if (cmp) {
      used.add(cmpAt)
      if (cmp.op !== 'between') op = cmp.op === 'recent' ? '>=' : cmp.op
    }
    const before = cmpAt === i - 1 ? i - 2 : i - 1
    const after = cmpAt === i + 1 ? i + 2 : i + 1
    if (q.k === 'date') {
      // "used 10 GB this month": usage is per billing cycle already
      if (/^this\s+month$/.test(q.raw) && !cmp && !ctx.toks.some((u) => u.k === 'word' && /^activat/.test(u.w))) continue
      const f = fieldOf(ctx, q, before, after)
      if (f !== 'activated') fail('only the activation date can be compared to dates', hintOf('date'))
      const onWord = !cmp && isWord(toks[i - 1], /^(?:on|in|during|of)$/)
      if (onWord) used.add(i - 1)
      if (cmp?.op === 'recent') fail(`'${cmp.raw} ${rawOf(ctx, q)}' is not a period`, 'e.g. "activated in the last 30 days" or "activated since 2025-01-01"')
      if (!cmp || op === '=') {
        if (q.from === q.to) out.push({ at: q.s, cond: { field: 'activated_at', op: '=', value: q.from } })
        else if (q.open) out.push({ at: q.s, cond: { field: 'activated_at', op: '>=', value: q.from } })
        else {
          out.push({ at: q.s, cond: { field: 'activated_at', op: '>=', value: q.from } })
          out.push({ at: q.s, cond: { field: 'activated_at', op: '<=', value: q.to } })
        }
      } else {
        const value = op === '<' || op === '>=' ? q.from : op === '>' || op === '<=' ? q.to : q.from
        out.push({ at: q.s, cond: { field: 'activated_at', op, value } as Condition })
      }
      continue
    }
    if (cmp?.dateOnly) fail(`'${cmp.raw} ${rawOf(ctx, q)}': ${cmp.raw} takes a date`, 'e.g. "activated before 2025-01-01"')
    const f = cmp?.tenure && q.k === 'dur' ? 'tenure_days' : fieldOf(ctx, q, before, after)
    pushComparison(ctx, out, q.s, f, op, q, cmp?.op === 'recent', /\bago\b/.test(window(ctx, after, 1)))
  }
}

function pushComparison(ctx: Ctx, out: Cond[], at: number, f: Field, op: Op, q: Quantity, recent: boolean, ago: boolean): void {
  if (q.k === 'date') return
  const raw = rawOf(ctx, q)
  if (recent && f !== 'activated') fail(`'${raw}' in the last …: only activation can be recent`, hintOf('dur'))
  if (f.startsWith('=')) {
    out.push({ at, cond: { field: f.slice(1), op, value: q.v } as Condition })
    return
  }
  switch (f) {
    case 'past_due_cents':
    case 'wallet_cents':
      if (q.k !== 'money') fail(`'${raw}' is not an amount of money`, hintOf('money'))
      out.push({ at, cond: { field: f, op, value: q.v } as Condition })
      return
    case 'data_used_mb':
    case 'data_remaining_mb':
      if (q.k !== 'data') fail(`'${raw}' is not an amount of data`, 'say the unit: MB or GB')
      out.push({ at, cond: { field: f, op, value: q.v } as Condition })
      return
    case 'failed_payments':
      if (q.k !== 'num' || !Number.isInteger(q.v)) fail(`'${raw}' is not a count of payments`, hintOf('num'))
      out.push({ at, cond: { field: f, op, value: q.v } as Condition })
      return
    case 'days_past_due':
    case 'tenure_days':
      if (q.k !== 'dur') fail(`'${raw}' needs a unit: days, weeks, months or years`, hintOf('dur'))
      out.push({ at, cond: { field: f, op, value: q.v } as Condition })
      return
    case 'activated': {
      if (q.k !== 'dur') fail(`'${raw}' needs a unit: days, weeks, months or years`, hintOf('dur'))
      if (!recent && !ago) {
        // "activated for more than 30 days" is tenure
        out.push({ at, cond: { field: 'tenure_days', op, value: q.v } as Condition })
        return
      }
      const date = isoDaysBefore(ctx.now, q.v)
      const dateOp = recent ? '>=' : FLIP[op]
      out.push({ at, cond: { field: 'activated_at', op: dateOp, value: date } as Condition })
      ctx.warnings.push(`'${raw}' read as activated_at ${dateOp} ${date} (today is ${ctx.now.toISOString().slice(0, 10)})`)
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Presence without a number: "past due lines", "with failed payments", "with wallet credit" (and their negations)

// `zero`: the phrase itself says zero ("owe nothing"); otherwise a negation or a zero word before it makes it `= 0`.
const PRESENCE: { re: RegExp; field: 'past_due_cents' | 'failed_payments' | 'wallet_cents'; covers: string[]; zero?: boolean }[] = [
  // "owe nothing", "owing us zero", "owe no money": zero by their own words
  { re: /^(?:owing|owe|owes|owed) (?:us )?(?:nothing|zero|none|no money|no balance)\b/, field: 'past_due_cents', covers: ['past_due_cents', 'days_past_due'], zero: true },
  // "owe anything", "owing any money" (negated: "don't owe anything")
  { re: /^(?:owing|owe|owes) (?:us )?(?:anything|any money)\b/, field: 'past_due_cents', covers: ['past_due_cents', 'days_past_due'] },
  {
    re: /^(?:(?:an? )?(?:unpaid|outstanding|past[\s-]due) (?:balance|bills?|invoices?)|past[\s-]due|overdue|delinquent|in arrears|behind on (?:their |the )?(?:payments?|bills?)|(?:owing|owe|owes) (?:us )?money)\b/,
    field: 'past_due_cents',
    covers: ['past_due_cents', 'days_past_due'],
  },
  { re: /^(?:an? )?(?:failed|declined|bounced|missed) payments?\b|^payment failures?\b/, field: 'failed_payments', covers: ['failed_payments'] },
  { re: /^(?:(?:a |any )?wallet (?:credit|balance|money)|(?:money|credit|funds) in (?:their|the|its) wallets?|(?:a )?credit balance)\b/, field: 'wallet_cents', covers: ['wallet_cents'] },
  { re: /^(?:an? )?(?:empty|zero) wallets?\b|^(?:an? )?wallets? (?:that is |that's )?empty\b/, field: 'wallet_cents', covers: ['wallet_cents'] },
  // a bare balance is what the account owes ("with a balance", "with a zero balance"); a wallet balance is the wallet
  { re: /^(?:an? |any )?(?:open |account |outstanding |unpaid )?balances?(?: (?:due|owing|owed))?\b/, field: 'past_due_cents', covers: ['past_due_cents', 'days_past_due', 'wallet_cents'] },
]

function presence(ctx: Ctx, out: Cond[]): void {
  const { toks, used } = ctx
  // fields a quantity already tests: their words here belong to it ("a past due balance over $250")
  const quantified = new Set<string>(out.map((c) => c.cond.field))
  for (let i = 0; i < toks.length; i++) {
    if (used.has(i) || toks[i].k !== 'word') continue
    // the next few unused words, as text
    const idx: number[] = []
    for (let j = i; j < toks.length && idx.length < 6 && toks[j].k === 'word' && !used.has(j); j++) idx.push(j)
    const text = idx.map((j) => (toks[j] as TokOf<'word'>).w).join(' ')
    for (const p of PRESENCE) {
      const m = p.re.exec(text)
      if (!m) continue
      if (p.covers.some((f) => quantified.has(f))) continue
      const n = m[0].split(' ').length
      // a second phrase on a field this pass already read ("owe nothing and are past due") is not silently dropped
      const twice = out.find((c) => p.covers.includes(c.cond.field))
      if (twice) fail(`two conditions on ${twice.cond.field.replace(/_/g, ' ')}: '${m[0]}' and an earlier one`, 'say it once, e.g. "with no past due balance" or "owing over $100"')
      // a negation, or a zero word ("a zero balance", "nothing past due"), before the phrase; checked in that order so
      // that each consumes its own word
      const neg = p.zero === true || negatedBefore(ctx, i) || zeroBefore(ctx, i) || /^no\b/.test(text) || /empty|zero/.test(m[0])
      for (let k = 0; k < n; k++) used.add(idx[k])
      out.push({ at: toks[i].s, cond: { field: p.field, op: neg ? '=' : '>', value: 0 } as Condition })
      i = idx[n - 1]
      break
    }
  }
}
