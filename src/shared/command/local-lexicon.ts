// The local parser's lexer: finds the things operators name in a sentence (phone numbers, accounts, plans, add-ons,
// money, data sizes, durations, dates, states, statuses…) and turns the rest into words and comparators. Entities are
// found longest/most specific first; each match blanks its span so that later, looser patterns cannot reuse it.
import { ADDONS, PLANS } from '../domain/catalog'
import { toE164 } from '../domain/msisdn'
import { isRealDate, type Op } from './schema'
import { US_STATES } from './us-states'

export type Tok = { s: number; e: number } & (
  | { k: 'word'; w: string }
  | { k: 'phone'; v: string; raw: string }
  | { k: 'badphone'; raw: string }
  | { k: 'iccid'; raw: string }
  | { k: 'account'; v: string }
  | { k: 'date'; from: string; to: string; raw: string; open?: boolean }
  | { k: 'baddate'; raw: string }
  | { k: 'zip'; v: string }
  | { k: 'badzip'; raw: string }
  | { k: 'badstate'; raw: string }
  | { k: 'plan'; v: string; raw: string }
  | { k: 'badplan'; raw: string; near: string[] }
  | { k: 'addon'; v: string; raw: string }
  | { k: 'badaddon'; raw: string; near: string[] }
  | { k: 'money'; v: number; raw: string; unit: number }
  | { k: 'badmoney'; raw: string; negative?: boolean }
  | { k: 'data'; v: number; raw: string; unit: number }
  | { k: 'dur'; v: number; raw: string; unit: number }
  | { k: 'num'; v: number; raw: string }
  | { k: 'state'; v: string }
  | { k: 'status'; v: string; neg: boolean }
  | { k: 'acct'; v: string; neg: boolean }
  | { k: 'cmp'; op: Op | 'between' | 'recent'; raw: string; postfix: boolean; dateOnly: boolean; tenure: boolean }
)
export type TokKind = Tok['k']
export type TokOf<K extends TokKind> = Extract<Tok, { k: K }>

// ---------------------------------------------------------------------------------------------------------------------
// Vocabulary

const WORD_NUMBERS: Record<string, number> = {
  zero: 0, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
}
const UNIT_WORD = '(?:days?|weeks?|months?|years?|dollars?|bucks?|gigs?|gb|gigabytes?|mb|megs?|failed|payments?|cents?)'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH_RE = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'

const GB = '(?:gb|gbs|gigs?|gigabytes?|g)'
const GB_STRICT = '(?:gb|gbs|gigs?|gigabytes?)'
const MB = '(?:mb|mbs|megs?|megabytes?)'

/** Lower-case names and codes of the states, longest first so that "west virginia" wins over "virginia". */
const STATE_NAMES: [string, string][] = [
  ...Object.entries(US_STATES).map(([code, name]) => [name.toLowerCase().replace(/\./g, '\\.?'), code] as [string, string]),
  ['washington,? d\\.?c\\.?', 'DC'] as [string, string],
  ['us virgin islands', 'VI'] as [string, string],
  ['virgin islands', 'VI'] as [string, string],
].sort((a, b) => b[0].length - a[0].length)
const STATE_NAME_RE = new RegExp(`\\b(${STATE_NAMES.map(([n]) => n).join('|')})\\b`, 'g')
const STATE_BY_NAME = STATE_NAMES.map(([n, c]) => [new RegExp(`^${n}$`), c] as const)
/** lower-case two-letter codes that are also English words; accepted only in upper case */
const CODE_WORDS = new Set(['in', 'or', 'me', 'hi', 'oh', 'ok', 'id', 'la', 'pa', 'co', 'de', 'ma', 'al', 'mo', 'ne', 'wa', 'ga', 'va', 'ar', 'md', 'mi'])

/** two-letter words that are not state codes and may follow "in"/"state" in capitals */
const ENGLISH_2 = new Set(['GB', 'MB', 'TB', 'US', 'IT', 'OR', 'OF', 'IS', 'IN', 'TO', 'ON', 'AT', 'AS', 'BE', 'BY', 'DO', 'GO', 'IF', 'MY', 'NO', 'SO', 'UP', 'WE', 'AN', 'AM', 'EU', 'UK'])

/** Comparator phrases, longest first. `dateOnly` ones are read only before a date. */
const CMP_PHRASES: [string, Op | 'between' | 'recent', { postfix?: boolean; dateOnly?: boolean; tenure?: boolean }?][] = (
  [
    ['greater than or equal to', '>='],
    ['more than or equal to', '>='],
    ['less than or equal to', '<='],
    ['no less than', '>='],
    ['not less than', '>='],
    ['no fewer than', '>='],
    ['not fewer than', '>='],
    ['a minimum of', '>='],
    ['minimum of', '>='],
    ['at least', '>='],
    ['or more', '>=', { postfix: true }],
    ['or above', '>=', { postfix: true }],
    ['or over', '>=', { postfix: true }],
    ['or higher', '>=', { postfix: true }],
    ['or greater', '>=', { postfix: true }],
    ['or longer', '>=', { postfix: true }],
    ['and up', '>=', { postfix: true }],
    ['and above', '>=', { postfix: true }],
    ['and over', '>=', { postfix: true }],
    ['or later', '>=', { postfix: true, dateOnly: true }],
    ['or after', '>=', { postfix: true, dateOnly: true }],
    ['on or after', '>=', { dateOnly: true }],
    ['since', '>=', { dateOnly: true }],
    ['no more than', '<='],
    ['not more than', '<='],
    ['no greater than', '<='],
    ['not greater than', '<='],
    ['not over', '<='],
    ['not above', '<='],
    ['a maximum of', '<='],
    ['maximum of', '<='],
    ['at most', '<='],
    ['up to', '<='],
    ['or less', '<=', { postfix: true }],
    ['or fewer', '<=', { postfix: true }],
    ['or below', '<=', { postfix: true }],
    ['or under', '<=', { postfix: true }],
    ['and under', '<=', { postfix: true }],
    ['and below', '<=', { postfix: true }],
    ['or earlier', '<=', { postfix: true, dateOnly: true }],
    ['or before', '<=', { postfix: true, dateOnly: true }],
    ['on or before', '<=', { dateOnly: true }],
    ['no later than', '<=', { dateOnly: true }],
    ['until', '<=', { dateOnly: true }],
    ['through', '<=', { dateOnly: true }],
    ['more than', '>'],
    ['greater than', '>'],
    ['higher than', '>'],
    ['bigger than', '>'],
    ['larger than', '>'],
    ['in excess of', '>'],
    ['exceeding', '>'],
    ['exceeds', '>'],
    ['exceed', '>'],
    ['north of', '>'],
    ['above', '>'],
    ['over', '>'],
    ['older than', '>', { tenure: true }],
    ['longer than', '>', { tenure: true }],
    ['later than', '>', { dateOnly: true }],
    ['after', '>', { dateOnly: true }],
    ['less than', '<'],
    ['fewer than', '<'],
    ['lower than', '<'],
    ['smaller than', '<'],
    ['south of', '<'],
    ['below', '<'],
    ['under', '<'],
    ['newer than', '<', { tenure: true }],
    ['younger than', '<', { tenure: true }],
    ['shorter than', '<', { tenure: true }],
    ['earlier than', '<', { dateOnly: true }],
    ['prior to', '<', { dateOnly: true }],
    ['before', '<', { dateOnly: true }],
    ['not equal to', '!='],
    ['equal to', '='],
    ['equals', '='],
    ['exactly', '='],
    ['precisely', '='],
    ['between', 'between'],
    ['in the last', 'recent'],
    ['in the past', 'recent'],
    ['within the last', 'recent'],
    ['within the past', 'recent'],
    ['over the last', 'recent'],
    ['over the past', 'recent'],
    ['during the last', 'recent'],
    ['during the past', 'recent'],
    ['in the previous', 'recent'],
    ['within', 'recent'],
  ] as [string, Op | 'between' | 'recent', { postfix?: boolean; dateOnly?: boolean; tenure?: boolean }?][]
).sort((a, b) => b[0].length - a[0].length)
const CMP_RE = new RegExp(
  `(?:>=|<=|!=|≥|≤|≠|(?<![<>!=])[<>=](?!=)|\\b(?:${CMP_PHRASES.map(([p]) => p.replace(/ /g, '\\s+')).join('|')})\\b)`,
  'g',
)
const CMP_BY_PHRASE = new Map(CMP_PHRASES.map(([p, op, o]) => [p, { op, ...o }]))
const SYMBOL_OPS: Record<string, Op> = { '>=': '>=', '<=': '<=', '!=': '!=', '≥': '>=', '≤': '<=', '≠': '!=', '<': '<', '>': '>', '=': '=' }

// ---------------------------------------------------------------------------------------------------------------------
// Plans and add-ons

const MOBILE_BY_GB: Record<string, string> = { '1': 'DATA_1', '5': 'DATA_5', '15': 'DATA_15' }

/** The real plans nearest to an unknown one: same family first, then by data size. */
export function nearestPlans(kind: 'mobile' | 'homefi' | 'iot' | null, dataMb: number | null): string[] {
  const pool = PLANS.filter((p) => (kind ? p.kind === kind : true))
  const cands = pool.length > 0 ? pool : [...PLANS]
  if (dataMb === null) return cands.map((p) => p.code)
  return cands
    .slice()
    .sort((a, b) => Math.abs(Math.log((a.dataMb ?? 1e7) / dataMb)) - Math.abs(Math.log((b.dataMb ?? 1e7) / dataMb)))
    .slice(0, 2)
    .map((p) => p.code)
}

/** A plan by the size an operator says ("the 5 gig plan", "on 300GB"), or null when no plan has that size. */
export function planBySize(mb: number): string | null {
  if (mb === 500) return 'IOT_500'
  if (mb === 300 * 1024) return 'HOMEFI_300'
  return MOBILE_BY_GB[String(mb / 1024)] ?? null
}

function gbNumber(s: string): number {
  return Number(s)
}

// ---------------------------------------------------------------------------------------------------------------------
// The lexer

export interface Lexed {
  toks: Tok[]
  /** the normalized text (original casing) the offsets refer to */
  cased: string
}

function blank(t: string, s: number, e: number): string {
  return t.slice(0, s) + ' '.repeat(e - s) + t.slice(e)
}

/** Replaces number words with digits ("three failed payments", "a year"); case-insensitive, case-preserving. */
export function normalizeNumbers(t: string): string {
  const num = (w: string) => WORD_NUMBERS[w.toLowerCase()]
  return t
    .replace(new RegExp(`\\b(?:a|an|one)\\s+(?=(?:day|week|month|year|dollar|buck|gig|gb|gigabyte|mb|meg|failed|payment|cent)s?\\b)`, 'gi'), '1 ')
    .replace(/\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](one|two|three|four|five|six|seven|eight|nine)\b/gi, (_m, a: string, b: string) =>
      String(num(a) + (b.toLowerCase() === 'one' ? 1 : num(b))),
    )
    .replace(new RegExp(`\\b(${Object.keys(WORD_NUMBERS).join('|')})\\b(?=\\s+(?:(?:or\\s+more|or\\s+fewer|or\\s+less|consecutive|straight|more|late|past|overdue)\\s+)*${UNIT_WORD}\\b|\\s+(?:and|or|to)\\s+\\d)`, 'gi'), (w) =>
      String(num(w)),
    )
    .replace(/\b(in|within|over|during)\s+the\s+(last|past|previous)\s+(day|week|month|year)\b/gi, '$1 the $2 1 $3')
    .replace(/(\$?)(\d+(?:\.\d+)?)\+(?![\d+])/g, 'at least $1$2')
    .replace(/(\d),(\d{3})(?!\d)/g, '$1$2')
}

/** Quotes, dashes, "&" and number words made plain. Idempotent: lex() applies it again at no cost. */
export function normalizeSentence(input: string): string {
  return normalizeNumbers(input.replace(/[\u2018\u2019]/g, "'").replace(/[\u2013\u2014]/g, '-').replace(/&/g, ' and '))
}

/** `now`: today, for "this year", "last month", "yesterday" (calendar periods). */
export function lex(input: string, now?: Date): Lexed {
  const cased = normalizeSentence(input)
  let t = cased.toLowerCase()
  // upper-case state codes are read from the original casing; offsets only line up when lower-casing kept the length
  const upper = t.length === cased.length ? cased : null
  const toks: Tok[] = []
  const add = (tok: Tok) => {
    toks.push(tok)
    t = blank(t, tok.s, tok.e)
  }
  const each = (re: RegExp, fn: (m: RegExpExecArray, s: number, e: number) => Tok | Tok[] | null) => {
    re.lastIndex = 0
    const found: Tok[] = []
    for (let m = re.exec(t); m; m = re.exec(t)) {
      if (m[0].length === 0) {
        re.lastIndex++
        continue
      }
      // a name inside a hyphenated word ("no-hotspot", "texas-team") belongs to that word (a tag), not to us
      const s0 = m.index
      const e0 = m.index + m[0].length
      if (/^[a-z]/.test(m[0]) && t[s0 - 1] === '-' && /[a-z0-9]/.test(t[s0 - 2] ?? '')) continue
      if (/[a-z]$/.test(m[0]) && t[e0] === '-' && /[a-z0-9]/.test(t[e0 + 1] ?? '')) continue
      const r = fn(m, s0, e0)
      if (r) found.push(...(Array.isArray(r) ? r : [r]))
    }
    for (const tok of found) add(tok)
  }

  // long digit runs first: ICCIDs (18-22 digits) are not phone numbers
  each(/(?<![\d])(?:89\d{16,20})(?!\d)/g, (m, s, e) => ({ k: 'iccid', raw: m[0], s, e }))
  each(/(?<![\w+$.])(?:\+?1[\s.-]*)?\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}(?![\d])/g, (m, s, e) => {
    const v = toE164(m[0])
    return v ? { k: 'phone', v, raw: m[0].trim(), s, e } : { k: 'badphone', raw: m[0].trim(), s, e }
  })
  each(/\bacc(?:ount)?[\s_-]?(\d{1,12})\b/g, (m, s, e) =>
    /^acc-|^acc\d|^acc_/.test(m[0]) ? { k: 'account', v: `ACC-${m[1]}`, s, e } : null,
  )
  lexDates(t, add)
  if (now) lexRelativeDates(t, add, now)
  each(/\b(?:zip(?:\s*codes?)?|zips|postal\s+codes?)\s*(?:is|=|of|in|:)?\s*((?:\d{5}(?!\d)(?:\s*(?:,|or|and|\/)\s*)?)+)/g, (m, s) => {
    const out: Tok[] = []
    const re = /\d{5}/g
    const base = s + m[0].indexOf(m[1])
    for (let z = re.exec(m[1]); z; z = re.exec(m[1])) out.push({ k: 'zip', v: z[0], s: base + z.index, e: base + z.index + 5 })
    return out
  })
  each(/\b(?:zip(?:\s*codes?)?|zips|postal\s+codes?)\s*(?:is|=|of|in|:)?\s*(\d+)\b/g, (m, s) => {
    const base = s + m[0].lastIndexOf(m[1])
    return { k: 'badzip', raw: m[1], s: base, e: base + m[1].length }
  })
  each(/\b(?:in|outside(?:\s+of)?|from)\s+((?:\d{5}(?![\d.])(?:\s*(?:,|or|and|\/)\s*)?)+)/g, (m, s) => {
    const out: Tok[] = []
    const re = /\d{5}/g
    const base = s + m[0].indexOf(m[1])
    for (let z = re.exec(m[1]); z; z = re.exec(m[1])) out.push({ k: 'zip', v: z[0], s: base + z.index, e: base + z.index + 5 })
    return out
  })

  lexAddons(t, each)
  lexPlans(t, each)

  // money
  each(/(?<![\w.])\$\s?(\d+)(?:\.(\d+))?(?![\d])|(?<![\w.$])(\d+)(?:\.(\d+))?\s*(?:dollars?|bucks?|usd)\b/g, (m, s, e) => {
    const whole = m[1] ?? m[3]
    const frac = m[2] ?? m[4]
    if (frac !== undefined && frac.length > 2) return { k: 'badmoney', raw: m[0], s, e }
    if (t[s - 1] === '-' || /\b(?:minus|negative)\s*$/.test(t.slice(Math.max(0, s - 12), s))) return { k: 'badmoney', raw: `-${m[0]}`, s, e, negative: true }
    const cents = Number(whole) * 100 + (frac ? Number(frac.padEnd(2, '0')) : 0)
    return { k: 'money', v: cents, raw: m[0], unit: 100, s, e }
  })
  each(/(?<![\w.$])(\d+)(\.\d+)?\s*(?:cents?|¢)(?![\w])/g, (m, s, e) =>
    m[2] ? { k: 'badmoney', raw: m[0], s, e } : { k: 'money', v: Number(m[1]), raw: m[0], unit: 1, s, e },
  )
  // data sizes
  each(new RegExp(`(?<![\\w.])(\\d+(?:\\.\\d+)?)\\s*-?\\s*(${GB_STRICT}|${MB}|tb|terabytes?)\\b`, 'g'), (m, s, e) => {
    const n = Number(m[1])
    const unitText = m[2]
    const unit = /^(mb|mbs|meg)/.test(unitText) ? 1 : /^(tb|tera)/.test(unitText) ? 1024 * 1024 : 1024
    return { k: 'data', v: Math.round(n * unit), raw: m[0], unit, s, e }
  })
  // durations
  each(/(?<![\w.])(\d+(?:\.\d+)?)\s*-?\s*(days?|d|weeks?|wks?|months?|mos?|years?|yrs?)\b/g, (m, s, e) => {
    const u = m[2]
    const unit = u.startsWith('d') ? 1 : u.startsWith('w') ? 7 : u.startsWith('mo') ? 30 : 365
    return { k: 'dur', v: Math.round(Number(m[1]) * unit), raw: m[0], unit, s, e }
  })
  // plain numbers
  each(/(?<![\w.$-])\d+(?:\.\d+)?(?![\w.]*\w)/g, (m, s, e) => ({ k: 'num', v: Number(m[0]), raw: m[0], s, e }))

  // states: names, upper-case codes anywhere, lower-case codes after "in"/"state"
  each(STATE_NAME_RE, (m, s, e) => {
    const code = STATE_BY_NAME.find(([re]) => re.test(m[1]))?.[1]
    return code ? { k: 'state', v: code, s, e } : null
  })
  // codes in capitals are states, unless the whole sentence is in capitals ("SUSPEND LINES IN TX"): then only the
  // ones that are not also English words; "IN", "OR", "ME"… need a state context either way (the rule below)
  const shouting = upper !== null && (upper.match(/[A-Z]/g)?.length ?? 0) > 0.6 * (upper.match(/[A-Za-z]/g)?.length ?? 1)
  if (upper && !shouting) {
    const re = /\b[A-Z]{2}\b/g
    for (let m = re.exec(upper); m; m = re.exec(upper)) {
      const s = m.index
      const e = s + 2
      if (t.slice(s, e) !== m[0].toLowerCase()) continue
      if (t[s - 1] === '-' || t[e] === '-') continue
      if (!(m[0] in US_STATES)) {
        if (/\b(?:in|state|states)\s+$/i.test(upper.slice(Math.max(0, s - 8), s)) && !ENGLISH_2.has(m[0]))
          add({ k: 'badstate', raw: m[0], s, e })
        continue
      }
      if (m[0] === 'ID' && /account\s*$/i.test(upper.slice(0, s))) continue
      if (CODE_WORDS.has(m[0].toLowerCase()) && m[0] !== 'OK' && !/\b(?:in|state|states)\s+$/i.test(upper.slice(Math.max(0, s - 8), s)) && !/(?:,|\band|\bor)\s*$/i.test(upper.slice(Math.max(0, s - 5), s)))
        continue
      add({ k: 'state', v: m[0], s, e })
    }
  }
  each(/\b(?:in|states?(?:\s+(?:is|of|=|in))?)\s+([a-z]{2}(?:\s*(?:,|or|and|\/)\s*[a-z]{2})*)\b/g, (m, s) => {
    const base = s + m[0].lastIndexOf(m[1])
    const re = /\b[a-z]{2}\b/g
    const codes: Tok[] = []
    for (let c = re.exec(m[1]); c; c = re.exec(m[1])) {
      const code = c[0].toUpperCase()
      if (c[0] === 'or') continue
      // the first code must not be an English word ("in me"); later ones ride on the list ("in tx or ok")
      if (!(code in US_STATES) || (codes.length === 0 && CODE_WORDS.has(c[0]))) break
      codes.push({ k: 'state', v: code, s: base + c.index, e: base + c.index + 2 })
    }
    return codes
  })

  // hyphenated words ("business-review", "active-user") are tags or names, not statuses
  each(/(?<![\w-])(non[\s-]?)?(active|suspended|pending|hotlined|disconnected)(?![\w-])/g, (m, s, e) => ({ k: 'status', v: m[2], neg: !!m[1], s, e }))
  // ("enterprise" is a tag in the demo data, not an account type)
  each(/(?<![\w-])(non[\s-]?)?(business|commercial|corporate|consumer|personal|residential)(?![\w-])/g, (m, s, e) => ({
    k: 'acct',
    v: /^(consumer|personal|residential)$/.test(m[2]) ? 'consumer' : 'business',
    neg: !!m[1],
    s,
    e,
  }))

  // comparators
  each(CMP_RE, (m, s, e) => {
    const raw = m[0].replace(/\s+/g, ' ')
    const sym = SYMBOL_OPS[raw]
    if (sym) return { k: 'cmp', op: sym, raw, postfix: false, dateOnly: false, tenure: false, s, e }
    const def = CMP_BY_PHRASE.get(raw)
    if (!def) return null
    if (def.postfix && /^(?:and|or) /.test(raw)) {
      // "3 or more" is postfix; in "2 failed payments and over 30 days" the "and" joins two conditions
      // ("and over 30 days" opens the next comparison: a number follows)
      const opensNext = /^\s*[$\d]/.test(cased.slice(e))
      if (opensNext) {
        const rest = raw.slice(raw.indexOf(' ') + 1)
        const d2 = CMP_BY_PHRASE.get(rest)
        if (!d2 || d2.postfix) return null
        const s2 = s + m[0].length - rest.length
        return { k: 'cmp', op: d2.op, raw: rest, postfix: false, dateOnly: !!d2.dateOnly, tenure: !!d2.tenure, s: s2, e }
      }
    }
    return { k: 'cmp', op: def.op, raw, postfix: !!def.postfix, dateOnly: !!def.dateOnly, tenure: !!def.tenure, s, e }
  })

  // words (anything left), keeping commas as their own word
  const wre = /[a-z0-9_'][a-z0-9_'-]*|,|;|\//g
  for (let m = wre.exec(t); m; m = wre.exec(t)) toks.push({ k: 'word', w: m[0], s: m.index, e: m.index + m[0].length })

  toks.sort((a, b) => a.s - b.s)
  return { toks, cased }
}

function lexDates(t: string, add: (tok: Tok) => void): void {
  const found: Tok[] = []
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g
  for (let m = iso.exec(t); m; m = iso.exec(t)) {
    const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`
    found.push(isRealDate(d) ? { k: 'date', from: d, to: d, raw: m[0], s: m.index, e: m.index + m[0].length } : { k: 'baddate', raw: m[0], s: m.index, e: m.index + m[0].length })
  }
  const us = /\b(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})\b/g
  for (let m = us.exec(t); m; m = us.exec(t)) {
    const y = m[3].length === 2 ? `20${m[3]}` : m[3]
    const d = `${y}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`
    found.push(isRealDate(d) ? { k: 'date', from: d, to: d, raw: m[0], s: m.index, e: m.index + m[0].length } : { k: 'baddate', raw: m[0], s: m.index, e: m.index + m[0].length })
  }
  for (const f of found) add(f)
  found.length = 0
  const named = new RegExp(`\\b${MONTH_RE}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b|\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}\\.?,?\\s+(\\d{4})\\b`, 'g')
  for (let m = named.exec(t); m; m = named.exec(t)) {
    const mon = MONTHS.indexOf((m[1] ?? m[5]).slice(0, 3)) + 1
    const day = m[2] ?? m[4]
    const y = m[3] ?? m[6]
    const d = `${y}-${String(mon).padStart(2, '0')}-${day.padStart(2, '0')}`
    found.push(isRealDate(d) ? { k: 'date', from: d, to: d, raw: m[0], s: m.index, e: m.index + m[0].length } : { k: 'baddate', raw: m[0], s: m.index, e: m.index + m[0].length })
  }
  for (const f of found) add(f)
  found.length = 0
  // a month of a year: "January 2025" → the whole month
  const monthYear = new RegExp(`\\b${MONTH_RE}\\.?,?\\s+(\\d{4})\\b`, 'g')
  for (let m = monthYear.exec(t); m; m = monthYear.exec(t)) {
    if (/^\s*$/.test(m[0])) continue
    const mon = MONTHS.indexOf(m[1].slice(0, 3)) + 1
    const y = Number(m[2])
    const last = new Date(Date.UTC(y, mon, 0)).getUTCDate()
    const mm = String(mon).padStart(2, '0')
    found.push({ k: 'date', from: `${y}-${mm}-01`, to: `${y}-${mm}-${last}`, raw: m[0], s: m.index, e: m.index + m[0].length })
  }
  for (const f of found) add(f)
  found.length = 0
  // a year after a date preposition: "in 2024", "before 2025"
  const year = /\b(in|during|before|after|since|until|through|from|of)\s+((?:19|20)\d{2})\b(?![\d-])/g
  for (let m = year.exec(t); m; m = year.exec(t)) {
    const s = m.index + m[0].length - 4
    found.push({ k: 'date', from: `${m[2]}-01-01`, to: `${m[2]}-12-31`, raw: m[2], s, e: s + 4 })
  }
  for (const f of found) add(f)
}

function iso(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10)
}

/** "this year", "last month", "today", "yesterday": calendar periods relative to now ("this …" runs to today) */
function lexRelativeDates(t: string, add: (tok: Tok) => void, now: Date): void {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth()
  const d = now.getUTCDate()
  const re = /(?<!\b(?:in|within|over|during|for)\s+the\s+)\b(this|last|previous)\s+(year|month|week)\b|\b(today|yesterday)\b/g
  const found: Tok[] = []
  for (let x = re.exec(t); x; x = re.exec(t)) {
    const s = x.index
    const e = s + x[0].length
    const today = iso(y, m, d)
    let from: string
    let to: string
    let open = false
    if (x[3] === 'today') [from, to] = [today, today]
    else if (x[3] === 'yesterday') [from, to] = [iso(y, m, d - 1), iso(y, m, d - 1)]
    else {
      const last = x[1] !== 'this'
      const dow = (now.getUTCDay() + 6) % 7
      if (x[2] === 'year') [from, to] = last ? [iso(y - 1, 0, 1), iso(y - 1, 11, 31)] : [iso(y, 0, 1), today]
      else if (x[2] === 'month') [from, to] = last ? [iso(y, m - 1, 1), iso(y, m, 0)] : [iso(y, m, 1), today]
      else [from, to] = last ? [iso(y, m, d - dow - 7), iso(y, m, d - dow - 1)] : [iso(y, m, d - dow), today]
      open = !last
    }
    found.push({ k: 'date', from, to, raw: x[0], s, e, open })
  }
  for (const f of found) add(f)
}

type Each = (re: RegExp, fn: (m: RegExpExecArray, s: number, e: number) => Tok | Tok[] | null) => void

function lexAddons(_t: string, each: Each): void {
  const addon = (code: string) => (m: RegExpExecArray, s: number, e: number): Tok => ({ k: 'addon', v: code, raw: m[0].trim(), s, e })
  const ADDON_SUFFIX = '(?:\\s+(?:add[\\s-]?ons?|features?|packs?|packages?|bolt[\\s-]?ons?))?'
  each(/\btopup_(\d+)gb\b/g, (m, s, e) => {
    const code = `TOPUP_${m[1]}GB`
    return ADDONS.some((a) => a.code === code) ? { k: 'addon', v: code, raw: m[0], s, e } : { k: 'badaddon', raw: m[0], near: ['TOPUP_1GB', 'TOPUP_5GB'], s, e }
  })
  const size = (n: string, s: number, e: number, raw: string): Tok => {
    const v = n === '1' ? 'TOPUP_1GB' : n === '5' ? 'TOPUP_5GB' : null
    return v ? { k: 'addon', v, raw, s, e } : { k: 'badaddon', raw, near: ['TOPUP_1GB', 'TOPUP_5GB'], s, e }
  }
  each(new RegExp(`\\b(\\d+(?:\\.\\d+)?)\\s*-?\\s*${GB}\\s+(?:of\\s+)?(?:data\\s+)?top[\\s-]?ups?${ADDON_SUFFIX}\\b`, 'g'), (m, s, e) => size(m[1], s, e, m[0]))
  each(new RegExp(`\\b(?:data\\s+)?top[\\s-]?ups?\\s+(?:of\\s+)?(\\d+(?:\\.\\d+)?)\\s*-?\\s*${GB}\\b${ADDON_SUFFIX}`, 'g'), (m, s, e) => size(m[1], s, e, m[0]))
  each(new RegExp(`\\b(?:a\\s+|the\\s+)?(?:data\\s+)?top[\\s-]?ups?${ADDON_SUFFIX}\\b`, 'g'), (m, s, e) => ({ k: 'badaddon', raw: m[0].trim(), near: ['TOPUP_1GB', 'TOPUP_5GB'], s, e }))
  each(new RegExp(`\\b(?:mobile\\s+)?hot[\\s-]?spot(?:ting)?(?:\\s*10\\s*-?\\s*${GB})?${ADDON_SUFFIX}\\b`, 'g'), addon('HOTSPOT'))
  each(new RegExp(`\\b(?:international|intl|int'l)(?:\\s+(?:calling|calls?|dialing|minutes|roaming))?${ADDON_SUFFIX}\\b`, 'g'), addon('INTL'))
}

function lexPlans(_t: string, each: Each): void {
  const plan = (code: string) => (m: RegExpExecArray, s: number, e: number): Tok => ({ k: 'plan', v: code, raw: m[0].trim(), s, e })
  const PLAN_SUFFIX = '(?:\\s+(?:data\\s+)?plans?)?'
  each(/\b(homefi_unl|homefi_300|unl_plus|data_\d+(?:\.\d+)?|iot_\d+|homefi_\w+)\b/g, (m, s, e) => {
    const code = m[1].toUpperCase()
    if (PLANS.some((p) => p.code === code)) return { k: 'plan', v: code, raw: m[0], s, e }
    const n = Number(/\d+(?:\.\d+)?/.exec(code)?.[0] ?? NaN)
    const kind = code.startsWith('DATA') ? 'mobile' : code.startsWith('IOT') ? 'iot' : 'homefi'
    return { k: 'badplan', raw: m[0], near: nearestPlans(kind, Number.isNaN(n) ? null : kind === 'iot' ? n : n * 1024), s, e }
  })
  each(new RegExp(`\\bhome[\\s-]?fi\\s*(?:unlimited|unl)${PLAN_SUFFIX}\\b`, 'g'), plan('HOMEFI_UNL'))
  each(new RegExp(`\\bhome[\\s-]?fi\\s*(\\d+(?:\\.\\d+)?)\\s*-?\\s*(?:${GB})?${PLAN_SUFFIX}\\b`, 'g'), (m, s, e) =>
    m[1] === '300' ? { k: 'plan', v: 'HOMEFI_300', raw: m[0].trim(), s, e } : { k: 'badplan', raw: m[0].trim(), near: nearestPlans('homefi', gbNumber(m[1]) * 1024), s, e },
  )
  each(new RegExp(`\\bhome[\\s-]?fi${PLAN_SUFFIX}\\b`, 'g'), (m, s, e) => ({ k: 'badplan', raw: m[0].trim(), near: ['HOMEFI_UNL', 'HOMEFI_300'], s, e }))
  each(new RegExp(`\\b(?:unlimited|unl)\\s*(?:plus\\b|\\+)${PLAN_SUFFIX}`, 'g'), plan('UNL_PLUS'))
  each(new RegExp(`\\bmobile\\s*(\\d+(?:\\.\\d+)?)\\s*-?\\s*(?:${GB})?${PLAN_SUFFIX}\\b`, 'g'), (m, s, e) => {
    const code = MOBILE_BY_GB[m[1]]
    return code ? { k: 'plan', v: code, raw: m[0].trim(), s, e } : { k: 'badplan', raw: m[0].trim(), near: nearestPlans('mobile', gbNumber(m[1]) * 1024), s, e }
  })
  each(new RegExp(`\\biot\\s*(\\d+)\\s*-?\\s*(?:${MB})?${PLAN_SUFFIX}\\b`, 'g'), (m, s, e) =>
    m[1] === '500' ? { k: 'plan', v: 'IOT_500', raw: m[0].trim(), s, e } : { k: 'badplan', raw: m[0].trim(), near: ['IOT_500'], s, e },
  )
  each(new RegExp(`\\biot${PLAN_SUFFIX}\\b`, 'g'), plan('IOT_500'))
  // "the 5 gig plan", "15GB plan", "300 GB HomeFi"
  each(new RegExp(`\\b(\\d+(?:\\.\\d+)?)\\s*-?\\s*(${GB}|${MB})\\s+(?:mobile\\s+|data\\s+)*plans?\\b`, 'g'), (m, s, e) => {
    const mb = Math.round(Number(m[1]) * (/^(mb|meg)/.test(m[2]) ? 1 : 1024))
    const code = planBySize(mb)
    return code ? { k: 'plan', v: code, raw: m[0].trim(), s, e } : { k: 'badplan', raw: m[0].trim(), near: nearestPlans(mb < 1024 ? 'iot' : 'mobile', mb), s, e }
  })
  each(new RegExp(`\\bunlimited${PLAN_SUFFIX}\\b`, 'g'), (m, s, e) => ({ k: 'badplan', raw: m[0].trim(), near: ['HOMEFI_UNL', 'UNL_PLUS'], s, e }))
}
