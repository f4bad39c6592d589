// The canonical text form of a command (docs/COMMAND-DSL.md): shown in the preview, editable by the operator, and
// parsed back to exactly the same JSON.
//
//   <action> [name=value …] <scope>
//   scope:  line +15125550123 | account ACC-000123 | list "file.csv" (+15125550123, +15125550124)
//         | where <field> <op> <value> [and …] | all            (all = a cohort with no conditions)
//   value:  a bare token (codes, numbers, dates, tags) or a JSON string literal "…" (always for reason and message)
//   set:    <field> in (a, b) | <field> not in (a, b)
import { toE164 } from '../domain/msisdn'
import {
  ACTIONS,
  FIELD_BY_NAME,
  NUMBER_PARAMS,
  PARAM_ORDER,
  TEXT_PARAMS,
  validateCommand,
  type Action,
  type Command,
  type Condition,
  type Scope,
} from './schema'

export type CanonicalResult = { ok: true; command: Command } | { ok: false; error: string; suggestion: string }

const BARE = /^[A-Za-z0-9_+.:@/-]+$/
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function str(s: string): string {
  return JSON.stringify(s)
}
/** bare when it cannot be misread: not empty, no spaces, quotes, commas or parens */
function strOrBare(s: string): string {
  return BARE.test(s) ? s : str(s)
}
function num(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n)
}
function valueText(v: unknown, numeric: boolean): string {
  if (typeof v === 'number') return num(v)
  const s = String(v)
  // values read back by the field's type, so only a string in a numeric slot needs quotes to stay a string
  return numeric ? str(s) : strOrBare(s)
}

export function conditionToCanonical(c: Condition): string {
  const numeric = FIELD_BY_NAME.get(c.field)?.numeric ?? false
  if (Array.isArray(c.value)) return `${c.field} ${c.op} (${c.value.map((v) => valueText(v, numeric)).join(', ')})`
  return `${c.field} ${c.op} ${valueText(c.value, numeric)}`
}

export function scopeToCanonical(s: Scope): string {
  switch (s.kind) {
    case 'line':
      return `line ${strOrBare(s.msisdn)}`
    case 'account':
      return `account ${strOrBare(s.account)}`
    case 'list':
      return `list ${str(s.source)} (${s.msisdns.map(strOrBare).join(', ')})`
    case 'cohort':
      return s.where.length === 0 ? 'all' : `where ${s.where.map(conditionToCanonical).join(' and ')}`
  }
}

export function toCanonical(c: Command): string {
  const params = c.params as Record<string, unknown>
  const parts: string[] = [c.action]
  const order = PARAM_ORDER[c.action] ?? []
  const names = [...order.filter((n) => n in params), ...Object.keys(params).filter((n) => !order.includes(n))]
  for (const name of names) {
    const v = params[name]
    if (v === undefined) continue
    if (TEXT_PARAMS.has(name)) parts.push(`${name}=${str(String(v))}`)
    else parts.push(`${name}=${valueText(v, NUMBER_PARAMS.has(name))}`)
  }
  parts.push(scopeToCanonical(c.scope))
  return parts.join(' ')
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing

class CanonicalError extends Error {
  constructor(
    message: string,
    readonly suggestion: string,
  ) {
    super(message)
  }
}

type Token = { quoted: boolean; text: string }

const SCOPE_HINT = 'end with a scope: line +15125550123, account ACC-000123, list "file.csv" (+1…), where <conditions>, or all'

class Reader {
  i = 0
  constructor(readonly s: string) {}

  skipWs(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++
  }
  atEnd(): boolean {
    this.skipWs()
    return this.i >= this.s.length
  }
  peekChar(): string {
    this.skipWs()
    return this.s[this.i] ?? ''
  }
  expectChar(c: string, what: string): void {
    if (this.peekChar() !== c) throw new CanonicalError(`expected "${c}" ${what} at column ${this.i + 1}`, SCOPE_HINT)
    this.i++
  }
  /** an identifier [a-z_][a-z0-9_]* or '' */
  word(): string {
    this.skipWs()
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))
    if (!m) return ''
    this.i += m[0].length
    return m[0]
  }
  peekWord(): string {
    const save = this.i
    const w = this.word()
    this.i = save
    return w
  }
  /** a JSON string literal or a bare token (stops at whitespace, comma and parentheses) */
  value(what: string): Token {
    this.skipWs()
    if (this.s[this.i] === '"') {
      let j = this.i + 1
      while (j < this.s.length && this.s[j] !== '"') j += this.s[j] === '\\' ? 2 : 1
      if (j >= this.s.length) throw new CanonicalError(`unterminated quoted text for ${what}`, 'close the quotes: "…"')
      const lit = this.s.slice(this.i, j + 1)
      this.i = j + 1
      try {
        return { quoted: true, text: JSON.parse(lit) as string }
      } catch {
        throw new CanonicalError(`bad quoted text for ${what}: ${lit}`, 'inside quotes write \\" for a quote and \\\\ for a backslash')
      }
    }
    const m = /^[^\s,()"]+/.exec(this.s.slice(this.i))
    if (!m) throw new CanonicalError(`missing value for ${what} at column ${this.i + 1}`, SCOPE_HINT)
    this.i += m[0].length
    return { quoted: false, text: m[0] }
  }
  op(): string {
    this.skipWs()
    const rest = this.s.slice(this.i)
    const m = /^(?:not\s+in\b|in\b|!=|<=|>=|=|<|>)/.exec(rest)
    if (!m) return ''
    this.i += m[0].length
    return m[0].startsWith('not') ? 'not in' : m[0]
  }
}

function typed(t: Token, numeric: boolean): string | number {
  if (!t.quoted && numeric && NUMBER.test(t.text)) return Number(t.text)
  return t.text
}

function parseList(r: Reader, what: string, numeric: boolean): (string | number)[] {
  r.expectChar('(', `to open the list of ${what}`)
  const out: (string | number)[] = []
  if (r.peekChar() === ')') {
    r.i++
    return out
  }
  for (;;) {
    out.push(typed(r.value(what), numeric))
    const c = r.peekChar()
    if (c === ',') {
      r.i++
      continue
    }
    if (c === ')') {
      r.i++
      return out
    }
    throw new CanonicalError(`expected "," or ")" in the list of ${what} at column ${r.i + 1}`, 'a list is (a, b, c)')
  }
}

function parseCondition(r: Reader): Condition {
  const field = r.word()
  if (!field) throw new CanonicalError(`expected a field name at column ${r.i + 1}`, 'a condition is <field> <op> <value>, e.g. status = active')
  const def = FIELD_BY_NAME.get(field)
  const numeric = def?.numeric ?? false
  const op = r.op()
  if (!op) throw new CanonicalError(`expected an operator after ${field}`, 'operators: = != < <= > >= in, not in')
  const value = op === 'in' || op === 'not in' ? parseList(r, field, numeric) : typed(r.value(field), numeric)
  return { field, op, value } as Condition
}

function parseScope(r: Reader): Scope {
  const kw = r.word()
  switch (kw) {
    case 'line': {
      const t = r.value('line')
      return { kind: 'line', msisdn: t.quoted ? t.text : (toE164(t.text) ?? t.text) }
    }
    case 'account':
      return { kind: 'account', account: r.value('account').text.toUpperCase() }
    case 'list': {
      const source = r.value('list source').text
      const msisdns = parseList(r, 'numbers', false).map((v) => toE164(String(v)) ?? String(v))
      return { kind: 'list', source, msisdns }
    }
    case 'all':
      return { kind: 'cohort', where: [] }
    case 'where': {
      const where: Condition[] = [parseCondition(r)]
      while (r.peekWord() === 'and') {
        r.word()
        where.push(parseCondition(r))
      }
      return { kind: 'cohort', where }
    }
    case '':
      throw new CanonicalError('missing scope', SCOPE_HINT)
    default:
      throw new CanonicalError(`unknown scope "${kw}"`, SCOPE_HINT)
  }
}

/** Reads canonical text back into a validated command. */
export function parseCanonical(text: string): CanonicalResult {
  try {
    const r = new Reader(text)
    const action = r.word()
    if (!action) throw new CanonicalError('missing action', `start with one of: ${ACTIONS.join(', ')}`)
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new CanonicalError(`unsupported action "${action}"`, `supported actions: ${ACTIONS.join(', ')}`)
    const params: Record<string, unknown> = {}
    for (;;) {
      r.skipWs()
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(r.s.slice(r.i))
      if (!m) break
      r.i += m[0].length
      const name = m[1]
      if (name in params) throw new CanonicalError(`${name} is given twice`, `give ${name} once`)
      const t = r.value(name)
      params[name] = TEXT_PARAMS.has(name) ? t.text : typed(t, NUMBER_PARAMS.has(name))
    }
    const scope = parseScope(r)
    if (!r.atEnd()) throw new CanonicalError(`unexpected text after the scope: "${r.s.slice(r.i).trim().slice(0, 40)}"`, 'conditions are joined with "and"')
    return validateCommand({ action: action as Action, params, scope })
  } catch (e) {
    if (e instanceof CanonicalError) return { ok: false, error: e.message, suggestion: e.suggestion }
    throw e
  }
}

/** True when the text starts like canonical form (an action name such as change_plan, or `<action> name=`). */
export function looksCanonical(text: string): boolean {
  const m = /^\s*([a-z_]+)(?=\s|$)\s*(\S*)/.exec(text)
  if (!m || !(ACTIONS as readonly string[]).includes(m[1])) return false
  return m[1].includes('_') || /^[a-z_]+=/.test(m[2]) || /^(line|account|list|where|all)$/.test(m[2])
}
