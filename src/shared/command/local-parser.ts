// The local tier of the console: turns an operator's sentence into a command offline, with no key, in well under a
// millisecond. Rule-based: detect the action (local-intent.ts), find the entities (local-lexicon.ts), then read params,
// conditions and scope from them. What it cannot place is an error with a suggestion, never a guess.
//
// Choices for ambiguous phrasings (see also the tests):
// - `remove_addon` on a cohort adds the implied `addon = X` condition (the examples show it); `add_addon`, `resume`,
//   `suspend` and `untag` add nothing implied: preview reports lines that are already in the target state.
// - "TX and OK", "Mobile 1GB and Mobile 5GB", "active and suspended" mean `in` (a line has one state, plan, status);
//   add-ons and tags joined by "and" are two conditions, by "or" an error (a cohort is an AND of conditions).
// - Bare "unlimited" or "HomeFi" is ambiguous between two plans: an error listing both.
// - "activated in the last 30 days" → activated_at >= now − 30 days; "activated more than 30 days ago" →
//   activated_at < now − 30 days; "customers for more than 2 years" → tenure_days > 730 (a year is 365 days, a month 30).
// - Several phone numbers make a `list` scope with source "typed"; a CSV upload is the console's job.
// - A money amount with no unit ("credit 5") is an error: $5 or 5 cents is not guessed.
import { lex, nearestPlans, normalizeSentence, planBySize, type TokOf } from './local-lexicon'
import { detectIntent } from './local-intent'
import { conditionToCanonical as conditionText, toCanonical } from './canonical'
import { PLAN_BY_CODE, ADDONS, PLANS } from '../domain/catalog'
import { validateCommand, type Action, type Command, type Condition, type Op, type Scope } from './schema'
import { readConditions, type Cond } from './local-conditions'
import { requireEveryWordRead } from './local-coverage'
import {
  ALL_WORDS,
  NEG_WORD,
  ParseFail,
  SCOPE_WORDS,
  fail,
  isWord,
  negatedBefore,
  prevWord,
  rawOf,
  tagOf,
  tagWordsAt,
  type Ctx,
  type FailKind,
} from './local-context'

export interface LocalParseOptions {
  /** "today" for relative dates ("activated in the last 30 days"): a Date or YYYY-MM-DD. Defaults to the wall clock. */
  now?: Date | string
}

export type ParseOk = { ok: true; command: Command; canonical: string; tier: 'local'; warnings: string[] }
export type ParseError = { ok: false; error: string; suggestion: string }
export type LocalParseResult = ParseOk | ParseError

export const EVERY_LINE_WARNING = 'applies to every line'
const MAX_SENTENCE = 2000
/** the sentence without its message: longer is not a command anyone types, and the rules are not linear in it */
const MAX_COMMAND_PART = 600

const PLAN_LIST = PLANS.map((p) => `${p.name} (${p.code})`).join(', ')
const ADDON_LIST = ADDONS.map((a) => `${a.name} (${a.code})`).join(', ')
export function planNames(codes: string[]): string {
  return codes.map((c) => `${PLAN_BY_CODE.get(c)?.name ?? c} (${c})`).join(' or ')
}

/** Parses one sentence. Never throws: anything it cannot read is `{ ok: false, error, suggestion }`. */
export function parseLocal(text: unknown, opts: LocalParseOptions = {}): LocalParseResult {
  return parseLocalDetailed(text, opts).result
}

/** parseLocal, and on failure why (for the tier chooser: only `unreadable` is worth asking the LLM). */
export function parseLocalDetailed(text: unknown, opts: LocalParseOptions = {}): { result: LocalParseResult; kind?: FailKind } {
  try {
    return { result: parseChecked(text, opts) }
  } catch (e) {
    if (e instanceof ParseFail) return { result: { ok: false, error: e.message, suggestion: e.suggestion }, kind: e.kind }
    return {
      result: { ok: false, error: `could not read this sentence (${e instanceof Error ? e.message : String(e)})`, suggestion: 'rephrase it, or type the canonical form' },
      kind: 'unreadable',
    }
  }
}

function parseChecked(text: unknown, opts: LocalParseOptions): LocalParseResult {
  if (typeof text !== 'string') fail('the sentence must be text', 'e.g. "suspend lines owing over $100"', 'invalid')
  if (text.length > MAX_SENTENCE) fail(`the sentence is too long (over ${MAX_SENTENCE} characters)`, 'one command per sentence', 'invalid')
  if (!/[a-z]/i.test(text)) fail('say what to change', 'e.g. "suspend lines owing over $100" or "resume account ACC-000123"', 'invalid')
  return parse(text, opts)
}

// ---------------------------------------------------------------------------------------------------------------------

/** The message (after a colon, or in quotes) is taken out before anything else reads the sentence. */
function splitPayload(text: string): { rest: string; payload: string | null } {
  const colon = /:(?:\s|$)/.exec(text)
  const quote = /"([^"]*)"|“([^”]*)”|(?<=^|[\s(])'([^']+)'(?=$|[\s,.;:)!?])/.exec(text)
  if (colon && (!quote || colon.index < quote.index)) {
    let payload = text.slice(colon.index + 1).trim()
    const q = /^(?:"([^"]*)"|“([^”]*)”|'([^']*)')[.!]?$/.exec(payload)
    if (q) payload = q[1] ?? q[2] ?? q[3]
    return { rest: text.slice(0, colon.index), payload }
  }
  if (quote) {
    const payload = quote[1] ?? quote[2] ?? quote[3]
    return { rest: text.slice(0, quote.index) + ' '.repeat(quote[0].length) + text.slice(quote.index + quote[0].length), payload }
  }
  // "text all active lines saying maintenance tonight", "with the message …": the rest of the sentence
  const said = /\s(?:saying|that says|which says|reading|with the message|with message|with the text)\s+(\S.*)$/i.exec(text)
  if (said) return { rest: text.slice(0, said.index), payload: said[1].trim() }
  return { rest: text, payload: null }
}

function parse(text: string, opts: LocalParseOptions): LocalParseResult {
  const { rest, payload } = splitPayload(text)
  if (rest.length > MAX_COMMAND_PART)
    fail(`the command part of the sentence is too long (over ${MAX_COMMAND_PART} characters)`, 'describe the lines in fewer words, or upload a CSV list', 'invalid')
  if (/\d\s*%|\bper\s?cent\b/i.test(rest))
    fail('percentages are not something a cohort can test', 'say the amount: "less than 500 MB remaining", "used over 10 GB", "owing over $100"', 'invalid')
  // the intent's offsets must match the tokens': both read the same normalized text
  const norm = normalizeSentence(trimCourtesy(rest.replace(/\s+/g, ' ')))
  const intent = detectIntent(norm.toLowerCase())
  if (!intent.ok) fail(intent.error, intent.suggestion, intent.refused ? 'refused' : 'unreadable')
  const action = intent.action
  const now = nowOf(opts.now)
  const { toks, cased } = lex(norm, now)
  const ctx: Ctx = { toks, used: new Set(), cased, now, warnings: [], action }

  // anything named that does not exist stops here, whatever its role
  for (const t of toks) {
    if (t.k === 'badplan')
      fail(
        t.near.length === 2 && /unlimited|home/i.test(t.raw) && !/\d/.test(t.raw)
          ? `which plan: ${planNames(t.near)}?`
          : `unknown plan '${rawOf(ctx, t)}'`,
        `did you mean ${planNames(t.near)}? Plans: ${PLAN_LIST}`,
        'invalid',
      )
    if (t.k === 'badaddon' && !(/^top/i.test(t.raw) && toks.some((u) => u.k === 'data')))
      fail(/^(?:a |the )?(?:data )?top/i.test(rawOf(ctx, t)) && t.near.length === 2 ? 'which top-up: 1GB or 5GB?' : `unknown add-on '${rawOf(ctx, t)}'`, `add-ons: ${ADDON_LIST}`, 'invalid')
    if (t.k === 'badphone') fail(`'${t.raw}' is not a valid US phone number`, 'a 10-digit US number, e.g. 512-555-0123', 'invalid')
    if (t.k === 'iccid') fail(`'${t.raw}' looks like an ICCID`, 'the console takes phone numbers; upload a CSV of ICCIDs as a list instead', 'invalid')
    if (t.k === 'badmoney')
      fail(
        t.negative ? `'${t.raw}': amounts must be positive` : `'${t.raw}' is not an amount in whole cents`,
        t.negative ? 'the console only credits; it never debits a wallet' : 'e.g. $5, $5.50 or 550 cents',
        'invalid',
      )
    if (t.k === 'badzip') fail(`'${t.raw}' is not a five-digit ZIP code`, 'e.g. "in zip 78701"', 'invalid')
    if (t.k === 'badstate') fail(`unknown state '${t.raw}'`, 'two-letter US state codes like TX, or names like Texas', 'invalid')
    if (t.k === 'baddate') fail(`'${t.raw}' is not a real date`, 'dates are YYYY-MM-DD, e.g. 2025-01-01', 'invalid')
  }
  for (let i = 0; i < toks.length - 1; i++) {
    const a = toks[i]
    const b = toks[i + 1]
    if (a.k === 'word' && /^accounts?$/.test(a.w) && b.k === 'num')
      fail(`'account ${b.raw}' is not an account id`, 'account ids look like ACC-000123', 'invalid')
  }

  const params = readParams(ctx, intent, payload)
  let implied: { code: string; at: number } | undefined
  if (action === 'remove_addon') {
    const t = toks.find((u, i) => ctx.used.has(i) && u.k === 'addon' && u.v === params.addon)
    implied = { code: String(params.addon), at: t ? t.s : 0 }
  }
  const conds = readConditions(ctx, implied)
  const scope = readScope(ctx, conds)
  leftovers(ctx)

  const r = validateCommand({ action, params, scope })
  if (!r.ok) fail(r.error, r.suggestion, 'invalid')
  requireEveryWordRead(ctx, r.command, intent)
  return { ok: true, command: r.command, canonical: toCanonical(r.command), tier: 'local', warnings: ctx.warnings }
}

/** "please", "can you", "thanks", "now" around a command say nothing about it */
function trimCourtesy(s: string): string {
  let out = s.trim()
  for (;;) {
    const next = out
      .replace(/^(?:please|pls|kindly|ok(?:ay)?|hey|hi|so|and|then|now|can you|could you|would you|will you|i need to|i want to|i'd like to|we need to|let's|go ahead and|i need you to)[\s,]+/i, '')
      .replace(/[\s,]+(?:please|pls|thanks|thank you|thx|now|asap|right away|immediately|right now)[\s.!?]*$/i, '')
      .replace(/\s*[.!?]+$/, '')
      .trim()
    if (next === out) return out
    out = next
  }
}

function nowOf(now: Date | string | undefined): Date {
  if (now instanceof Date && !Number.isNaN(now.getTime())) return now
  if (typeof now === 'string') {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(now) ? `${now}T00:00:00Z` : now)
    if (!Number.isNaN(d.getTime())) return d
  }
  return new Date()
}

// ---------------------------------------------------------------------------------------------------------------------
// Params

function readParams(ctx: Ctx, intent: { action: Action; verbAt: number; verbEnd: number; channel?: 'sms' | 'email' }, payload: string | null): Record<string, unknown> {
  const { toks, used } = ctx
  switch (intent.action) {
    case 'change_plan': {
      const targets: number[] = []
      toks.forEach((t, i) => {
        if (t.k !== 'plan' && t.k !== 'data') return
        const p = prevWord(ctx, i, /^(?:the|a|an|new|plan|our|their)$/)
        if (!isWord(toks[p], /^(?:to|onto|into|=)$/)) return
        if (t.k === 'data') {
          if (toks[i - 1]?.k === 'cmp') return
          const code = planBySize(t.v)
          if (!code) fail(`unknown plan '${rawOf(ctx, t)}'`, `did you mean ${planNames(nearestPlans(t.v < 1024 ? 'iot' : 'mobile', t.v))}? Plans: ${PLAN_LIST}`)
          toks[i] = { k: 'plan', v: code, raw: t.raw, s: t.s, e: t.e }
        }
        targets.push(i)
        used.add(p)
      })
      if (targets.length === 0 && /^(?:put|place|set)\b/i.test(ctx.cased.slice(intent.verbAt))) {
        const on = toks.findIndex((t, i) => t.k === 'plan' && isWord(toks[prevWord(ctx, i, /^(?:the|a|an|new|plan)$/)], /^on$/))
        if (on >= 0) targets.push(on)
      }
      for (const i of targets) {
        let k = i + 1
        while (isWord(toks[k], /^(?:and|or|,|\/)$/)) k++
        if (k > i + 1 && (toks[k]?.k === 'plan' || toks[k]?.k === 'badplan')) fail('two target plans', 'one new plan per command')
      }
      if (targets.length === 0) fail('which plan?', `name the new plan, e.g. "change plan for 512-555-0123 to Mobile 15GB". Plans: ${PLAN_LIST}`)
      const codes = new Set(targets.map((i) => (toks[i] as TokOf<'plan'>).v))
      if (codes.size > 1) fail(`two target plans: ${planNames([...codes])}`, 'one new plan per command')
      const last = targets[targets.length - 1]
      used.add(last)
      return { plan: (toks[last] as TokOf<'plan'>).v }
    }
    case 'add_addon':
    case 'remove_addon': {
      let i = toks.findIndex((t) => t.k === 'addon' && t.s >= intent.verbAt)
      if (i < 0) i = toks.findIndex((t) => t.k === 'addon')
      if (i < 0) {
        // "top up 512-555-0123 with 5 GB"
        // "add 1GB of data to 512-555-0123", "top up 512-555-0123 with 5 GB"
        const d = toks.findIndex((t, j) => t.k === 'data' && t.s >= intent.verbAt && toks[j - 1]?.k !== 'cmp' && !isWord(toks[j + 1], /^(?:remaining|left|used|plan)$/))
        if (d >= 0 && intent.action === 'add_addon') {
          const mb = (toks[d] as TokOf<'data'>).v
          if (mb !== 1024 && mb !== 5120) fail(`there is no ${rawOf(ctx, toks[d])} top-up`, `the top-ups are 1GB (TOPUP_1GB) and 5GB (TOPUP_5GB); for more data change the plan`, 'invalid')
          used.add(d)
          const b = toks.findIndex((t) => t.k === 'badaddon')
          if (b >= 0) used.add(b)
          return { addon: mb === 1024 ? 'TOPUP_1GB' : 'TOPUP_5GB' }
        }
        fail('which add-on?', `add-ons: ${ADDON_LIST}`)
      }
      used.add(i)
      let k = i + 1
      while (isWord(toks[k], /^(?:and|or|,|\/|plus|the)$/)) k++
      if (k > i + 1 && toks[k]?.k === 'addon')
        fail('one add-on per command', `${intent.action === 'add_addon' ? 'add' : 'remove'} them one at a time, e.g. "${intent.action === 'add_addon' ? 'add' : 'remove'} hotspot …" then "… international calling …"`)
      return { addon: (toks[i] as TokOf<'addon'>).v }
    }
    case 'credit_wallet': {
      const i = toks.findIndex((t, j) => t.k === 'money' && !hasCmp(ctx, j) && !conditionMoney(ctx, j))
      if (i < 0) {
        const n = toks.findIndex((t, j) => t.k === 'num' && !hasCmp(ctx, j))
        if (n >= 0) fail(`'${(toks[n] as TokOf<'num'>).raw}' what? say the amount with its unit`, 'e.g. "$5", "5 dollars" or "500 cents"')
        fail('missing amount: how much?', 'e.g. "credit $5 to 512-555-0123 for the network outage"')
      }
      used.add(i)
      const params: Record<string, unknown> = { amount_cents: (toks[i] as TokOf<'money'>).v }
      const reason = payload ?? readReason(ctx)
      if (reason !== null) params.reason = reason
      return params
    }
    case 'suspend': {
      const reason = payload ?? readReason(ctx)
      return reason === null ? {} : { reason }
    }
    case 'resume':
      return {}
    case 'send_notification':
      if (payload === null || payload.trim() === '')
        fail('what should the message say?', 'put the message after a colon or in quotes, e.g. "text all active customers: Maintenance tonight"')
      return { channel: intent.channel, message: payload.trim() }
    case 'tag':
    case 'untag':
      return { tag: payload !== null ? tagOf(payload) : readTag(ctx, intent.verbAt, intent.verbEnd) }
  }
}

function hasCmp(ctx: Ctx, i: number): boolean {
  const p = ctx.toks[i - 1]
  const n = ctx.toks[i + 1]
  return (p?.k === 'cmp' && !p.postfix) || (n?.k === 'cmp' && n.postfix)
}
/** money with a condition word right before it ("owing $100", "wallet under $5") is a condition, not the amount */
function conditionMoney(ctx: Ctx, i: number): boolean {
  for (let j = i - 1, n = 0; j >= 0 && n < 3; j--, n++) {
    const t = ctx.toks[j]
    if (t.k !== 'word') return false
    if (/^(?:owing|owe|owes|owed|due|wallet|balance|debt|unpaid|outstanding|arrears|behind)$/.test(t.w)) return true
  }
  return false
}

function readTag(ctx: Ctx, verbAt: number, verbEnd: number): string {
  const { toks, used } = ctx
  const take = (from: number, to: number) => {
    for (let k = from; k < to; k++) used.add(k)
  }
  /** a tag read at i counts when what follows it is the end, a word or a named thing (not a number or comparator) */
  const clean = (got: [string, number] | null): got is [string, number] => {
    if (!got) return false
    const next = toks[got[1]]
    return !next || (next.k !== 'cmp' && next.k !== 'num' && next.k !== 'money' && next.k !== 'data' && next.k !== 'dur')
  }
  // right after the verb: "untag follow-up from …", "remove tag follow-up from …"
  const v = toks.findIndex((t) => t.s >= verbAt && t.k === 'word')
  if (v >= 0) {
    let at = v + 1
    while (at < toks.length && toks[at].s < verbEnd) at++
    if (isWord(toks[at], /^(?:the\s+)?tags?$/)) at++
    const got = tagWordsAt(ctx, at)
    if (clean(got) && (got[1] >= toks.length || isWord(toks[got[1]], /^(?:from|on|to|for|in|across|,)$/) || toks[got[1]].k !== 'word')) {
      take(at, got[1])
      return tagOf(got[0])
    }
  }
  // "the vip tag", "a follow-up tag" (but "with the vip tag" is a condition)
  for (let i = 0; i < toks.length; i++) {
    if (!isWord(toks[i], /^(?:tags?|flags?|labels?)$/) || toks[i].s <= verbAt) continue
    let j = i - 1
    const words: string[] = []
    while (j >= 0 && toks[j].s >= verbEnd && toks[j].k === 'word' && !SCOPE_WORDS.has((toks[j] as TokOf<'word'>).w) && words.length < 3)
      words.unshift((toks[j--] as TokOf<'word'>).w)
    let b = j
    while (b >= 0 && isWord(toks[b], /^(?:the|a|an)$/)) b--
    if (isWord(toks[b], /^(?:with|without|having|has|have|lacking|missing|no)$/)) continue
    if (words.length) {
      take(j + 1, i + 1)
      return tagOf(words.join('-'))
    }
    // "the tag vip"
    const after = tagWordsAt(ctx, i + 1)
    if (after && isWord(toks[i - 1], /^(?:the|a|an)$/)) {
      take(i, after[1])
      return tagOf(after[0])
    }
  }
  // "as vip", "for follow-up", then "with churn-risk"
  for (const prep of [/^(?:as|for)$/, /^with$/]) {
    for (let i = 0; i < toks.length; i++) {
      if (!isWord(toks[i], prep) || toks[i].s < verbAt) continue
      const at = isWord(toks[i + 1], /^(?:the|a|an)$/) ? i + 2 : i + 1
      const got = tagWordsAt(ctx, isWord(toks[at], /^tag$/) ? at + 1 : at)
      if (clean(got)) {
        take(i, got[1])
        return tagOf(got[0])
      }
    }
  }
  // last resort: plain words closing the sentence after the lines ("tag suspended Texas lines follow-up")
  let end = toks.length
  while (end > 0 && isWord(toks[end - 1], /^[.!]$/)) end--
  let start = end
  while (start > 0 && toks[start - 1].k === 'word' && !SCOPE_WORDS.has((toks[start - 1] as TokOf<'word'>).w) && toks[start - 1].s >= verbEnd) start--
  const before = toks[start - 1]
  if (start < end && end - start <= 3 && before && (before.k !== 'word' || /^(?:lines?|accounts?|customers?|subscribers?|users?|everyone|everybody)$/.test(before.w))) {
    take(start, end)
    return tagOf(toks.slice(start, end).map((t) => (t as TokOf<'word'>).w).join('-'))
  }
  return fail('which tag?', 'e.g. "tag all suspended lines in Texas for follow-up" or "untag follow-up from account ACC-000123"')
}

/** "for the network outage", "because of fraud", "due to non-payment": plain words to the end of the sentence */
function readReason(ctx: Ctx): string | null {
  const { toks } = ctx
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (!isWord(t, /^(?:for|because|due|reason)$/)) continue
    let j = i + 1
    if (isWord(t, /^(?:because|due)$/)) {
      if (!isWord(toks[j], /^(?:of|to)$/)) continue
      j++
    }
    while (isWord(toks[j], /^(?:the|a|an)$/)) j++
    if (j >= toks.length) continue
    let k = j
    let ok = true
    for (; k < toks.length; k++) {
      const u = toks[k]
      if (u.k !== 'word' || /^(?:all|every|each|everyone|everybody|lines?|accounts?|customers?|subscribers?|users?|that|who|whose|which|with|where)$/.test(u.w)) {
        ok = false
        break
      }
    }
    if (!ok) continue
    const reason = ctx.cased.slice(toks[j].s, toks[toks.length - 1].e).trim().replace(/[.!]+$/, '')
    if (!reason) continue
    for (let m = i; m < toks.length; m++) ctx.used.add(m)
    return reason
  }
  return null
}

// ---------------------------------------------------------------------------------------------------------------------
// Scope and leftovers

function readScope(ctx: Ctx, all: Cond[]): Scope {
  const { toks, used } = ctx
  const conds = all.filter((c) => !c.implied)
  const phones: string[] = []
  const accounts: number[] = []
  toks.forEach((t, i) => {
    if (t.k === 'phone' && !used.has(i)) {
      used.add(i)
      if (!phones.includes(t.v)) phones.push(t.v)
    }
    if (t.k === 'account' && !used.has(i)) accounts.push(i)
  })
  if (phones.length > 0) {
    if (conds.length > 0 || accounts.length > 0) {
      const what = conds.length > 0 ? conditionText(conds[0].cond) : 'an account'
      fail(`a phone number and a condition (${what}) together`, 'either name the lines (phone numbers) or describe them (conditions), not both')
    }
    return phones.length === 1 ? { kind: 'line', msisdn: phones[0] } : { kind: 'list', source: 'typed', msisdns: phones }
  }
  if (accounts.length > 0) {
    for (const i of accounts) used.add(i)
    const ids = [...new Set(accounts.map((i) => (toks[i] as TokOf<'account'>).v))]
    if (ids.length === 1 && conds.length === 0) return { kind: 'account', account: ids[0] }
    const at = toks[accounts[0]].s
    const neg = accounts.some((i) => negatedBefore(ctx, i))
    const op: Op = ids.length === 1 ? (neg ? '!=' : '=') : neg ? 'not in' : 'in'
    all.push({ at, cond: { field: 'account', op, value: ids.length === 1 ? ids[0] : ids } as Condition })
    all.sort((a, b) => a.at - b.at)
  } else if (conds.length === 0) {
    const every = toks.some((t) => t.k === 'word' && ALL_WORDS.test(t.w))
    if (!every)
      fail('which lines?', 'name a line (512-555-0123), an account (ACC-000123) or a cohort ("all active lines in Texas"); "all lines" for every line')
    if (all.length === 0) ctx.warnings.push(EVERY_LINE_WARNING)
  }
  return { kind: 'cohort', where: all.map((c) => c.cond) }
}

function leftovers(ctx: Ctx): void {
  ctx.toks.forEach((t, i) => {
    if (ctx.used.has(i)) return
    switch (t.k) {
      case 'money':
      case 'data':
      case 'dur':
      case 'num':
        fail(`could not tell what '${rawOf(ctx, t)}' refers to`, hintFor(t.k))
        break
      case 'date':
        fail(`could not tell what the date '${rawOf(ctx, t)}' refers to`, 'the only date is the activation date, e.g. "activated before 2025-01-01"')
        break
      case 'plan':
      case 'addon':
      case 'state':
      case 'status':
      case 'acct':
      case 'zip':
        fail(`could not place '${rawOf(ctx, t)}'`, 'rephrase, e.g. "suspend all active lines in Texas on Mobile 5GB"')
        break
      case 'word':
        if (/^(?:in|with|on)$/.test(t.w)) {
          // "in Austin", "with iPhones": a place or property the contract does not have must not vanish silently
          // look past an article: "with an empty wallet", "in the Austin area"
          const j = isWord(ctx.toks[i + 1], /^(?:a|an|the|their|any|some)$/) && !ctx.used.has(i + 1) ? i + 2 : i + 1
          const n = ctx.toks[j]
          if (n && n.k === 'word' && !ctx.used.has(j) && !KNOWN_AFTER.test(n.w) && !SCOPE_WORDS.has(n.w) && /^[a-z][a-z'-]*$/.test(n.w))
            fail(`could not read '${t.w} ${rawOf(ctx, n)}'`, `conditions are on: plan, status, state, zip, account type, account, add-ons, tags, data used/remaining, failed payments, past due, wallet, tenure, activation date`)
        }
        if (t.w === 'or' && conditionNear(ctx, i, -1) && conditionNear(ctx, i, 1))
          fail("conditions joined by 'or' cannot be expressed", 'a cohort is an AND of conditions: split it into two commands, one per condition')
        if (NEG_WORD.test(t.w) && !/^(?:no|other)$/.test(t.w))
          fail(`could not tell what '${t.w}' applies to`, 'negate one thing at a time, e.g. "not in Texas", "without hotspot", "not on Mobile 1GB"')
    }
  })
}

/** words that may follow "in", "with" or "on" in sentences the parser reads */
const KNOWN_AFTER =
  /^(?:a|an|the|no|any|some|more|less|fewer|over|under|at|only|just|exactly|their|his|her|its|our|your|us|row|total|arrears|excess|full|zip|zips|postal|state|states|this|that|these|those|cycle|month|last|past|previous|plan|plans|account|accounts|tag|tags|tagged|data|usage|used|remaining|left|failed|failure|failures|payment|payments|consecutive|straight|declined|missed|bounced|returned|unpaid|outstanding|overdue|past-due|due|late|delinquent|owing|balance|balances|balances|wallet|wallets|credit|credits|tenure|hold|service|activation|activated|add-ons?|addons?|status|between|zero|less|fewer|either|both|all|every|each|mind|case|order|effect|place|question|addition|lines?|customers?|subscribers?|users?|business|consumer|total|connection|regard|respect|file|list)$/

const CONDITION_KINDS = /^(?:cmp|num|money|data|dur|date|plan|state|status|acct|zip|addon)$/
function conditionNear(ctx: Ctx, i: number, dir: 1 | -1): boolean {
  for (let j = i + dir, n = 0; j >= 0 && j < ctx.toks.length && n < 4; j += dir, n++) if (CONDITION_KINDS.test(ctx.toks[j].k)) return true
  return false
}

function hintFor(k: 'money' | 'data' | 'dur' | 'num'): string {
  switch (k) {
    case 'money':
      return 'amounts in conditions are past due ("owing over $100") or wallet ("wallet under $5")'
    case 'data':
      return 'data in conditions is used or remaining this cycle ("less than 500 MB remaining", "used over 10 GB")'
    case 'dur':
      return 'durations are days past due ("more than 30 days past due"), tenure ("customers for more than 2 years") or activation ("activated in the last 30 days")'
    case 'num':
      return 'plain numbers count failed payments ("more than 3 failed payments in a row")'
  }
}
