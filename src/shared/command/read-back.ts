// The read-back: a validated command rendered into plain English from the command itself, never from the sentence the
// operator typed, so that a parser's inversion or dropped condition is visible before commit ("Resume 39 suspended
// lines that owe more than $0.00" for a sentence that asked for a zero balance). Shown in the console's preview, by
// `console preview` on the CLI, and for each candidate when the parser tiers disagree.
import { ADDON_BY_CODE, PLAN_BY_CODE } from '../domain/catalog'
import { formatCents } from '../domain/money'
import type { Command, Condition, Op } from './schema'

export interface ReadBackOptions {
  /** the number of lines the scope matches (the preview's `matched`); left out before a preview */
  count?: number
}

const int = new Intl.NumberFormat('en-US')

const CMP_WORDS: Partial<Record<Op, string>> = { '>': 'more than', '>=': 'at least', '<': 'less than', '<=': 'at most', '=': 'exactly', '!=': 'other than' }
const DATE_WORDS: Partial<Record<Op, string>> = { '>': 'after', '>=': 'on or after', '<': 'before', '<=': 'on or before', '=': 'on', '!=': 'on a day other than' }

function planName(code: string): string {
  const p = PLAN_BY_CODE.get(code)
  return p ? `${p.name} (${code})` : code
}
function addonName(code: string): string {
  const a = ADDON_BY_CODE.get(code)
  return a ? `${a.name} (${code})` : code
}
function dataSize(mb: number): string {
  return mb !== 0 && mb % 1024 === 0 ? `${int.format(mb / 1024)} GB` : `${int.format(mb)} MB`
}
function list(values: string[], joiner: 'or' | 'nor'): string {
  if (values.length <= 1) return values.join('')
  return `${values.slice(0, -1).join(', ')} ${joiner} ${values[values.length - 1]}`
}

function valuesOf(c: Condition, name: (v: string) => string = String): string[] {
  return (Array.isArray(c.value) ? c.value : [c.value]).map((v) => name(String(v)))
}

/** "are in TX or OK", "are not on Mobile 5GB (DATA_5)": a named value, one of a set, or none of it. */
function named(c: Condition, yes: string, no: string, name?: (v: string) => string): string {
  const vs = valuesOf(c, name)
  switch (c.op) {
    case '=':
    case 'in':
      return `${yes} ${list(vs, 'or')}`
    case '!=':
      return `${no} ${vs[0]}`
    default:
      return `${no} ${vs.length > 1 ? 'any of ' : ''}${list(vs, 'or')}`
  }
}

function cmp(c: Condition, fmt: (n: number) => string): string {
  return `${CMP_WORDS[c.op] ?? c.op} ${fmt(Number(c.value))}`
}

/** One condition as a clause after "lines that …". */
export function conditionReadBack(c: Condition): string {
  switch (c.field) {
    case 'status':
      return named(c, 'are', 'are not')
    case 'plan':
      return named(c, 'are on', 'are not on', planName)
    case 'state':
      return named(c, 'are in', 'are not in')
    case 'zip':
      return named(c, 'are in ZIP', 'are not in ZIP')
    case 'account_type':
      return named(c, 'are on a', 'are not on a', (v) => `${v} account`)
    case 'account':
      return named(c, 'belong to account', 'do not belong to account')
    case 'tag':
      return c.op === '=' || c.op === 'in' ? `are tagged ${list(valuesOf(c), 'or')}` : `are not tagged ${list(valuesOf(c), 'or')}`
    case 'addon':
      return c.op === '=' || c.op === 'in' ? `have ${list(valuesOf(c, addonName), 'or')}` : `do not have ${list(valuesOf(c, addonName), 'or')}`
    case 'past_due_cents':
      return `owe ${cmp(c, formatCents)} past due`
    case 'wallet_cents':
      return `have ${cmp(c, formatCents)} in their wallet`
    case 'days_past_due':
      return `are ${cmp(c, (n) => `${int.format(n)} day${n === 1 ? '' : 's'}`)} past due`
    case 'failed_payments':
      return `have ${cmp(c, (n) => int.format(n))} consecutive failed payment${Number(c.value) === 1 ? '' : 's'}`
    case 'data_used_mb':
      return `used ${cmp(c, dataSize)} of data this cycle`
    case 'data_remaining_mb':
      return `have ${cmp(c, dataSize)} of data left this cycle`
    case 'tenure_days':
      // tenure is days since activation: said as such, not as "active" (a status)
      return `were activated ${cmp(c, (n) => `${int.format(n)} day${n === 1 ? '' : 's'}`)} ago`
    case 'activated_at':
      return `were activated ${DATE_WORDS[c.op] ?? c.op} ${String(c.value)}`
  }
}

const SINGULAR: [RegExp, string][] = [
  [/^are\b/, 'is'],
  [/^have\b/, 'has'],
  [/^owe\b/, 'owes'],
  [/^do not\b/, 'does not'],
  [/^belong\b/, 'belongs'],
  [/^were\b/, 'was'],
  [/\btheir wallet\b/, 'its wallet'],
]
/** "1 line that is …": a clause's verb for one line */
function singular(clause: string): string {
  return SINGULAR.reduce((c, [re, to]) => c.replace(re, to), clause)
}

function lines(n: number | undefined): string {
  if (n === undefined) return 'lines'
  return `${int.format(n)} line${n === 1 ? '' : 's'}`
}

/** The lines a command applies to: "39 suspended lines that owe more than $0.00 past due", "the line +15125550123". */
export function scopeReadBack(cmd: Command, opts: ReadBackOptions = {}): string {
  const s = cmd.scope
  const n = opts.count
  switch (s.kind) {
    case 'line':
      return `the line ${s.msisdn}`
    case 'account':
      return n === undefined ? `every line of account ${s.account}` : `the ${lines(n)} of account ${s.account}`
    case 'list':
      return `the ${s.msisdns.length} listed line${s.msisdns.length === 1 ? '' : 's'} ("${s.source}")`
    case 'cohort': {
      if (s.where.length === 0) return n === undefined ? 'EVERY line' : `EVERY line (${int.format(n)})`
      // "suspended lines" reads better than "lines that are suspended"; only for a single status
      const status = s.where.find((c) => c.field === 'status' && c.op === '=')
      const rest = s.where.filter((c) => c !== status)
      const head = `${n === undefined ? '' : `${int.format(n)} `}${status ? `${String(status.value)} ` : ''}${n === 1 ? 'line' : 'lines'}`
      const clauses = rest.map(conditionReadBack).map((c) => (n === 1 ? singular(c) : c))
      return rest.length === 0 ? head : `${head} that ${clauses.join(' and ')}`
    }
  }
}

/** The whole command in plain English, e.g. "Resume 39 suspended lines that owe more than $0.00 past due". */
export function readBack(cmd: Command, opts: ReadBackOptions = {}): string {
  const who = scopeReadBack(cmd, opts)
  switch (cmd.action) {
    case 'suspend':
      return `Suspend ${who}${cmd.params.reason ? ` (reason: "${cmd.params.reason}")` : ''}`
    case 'resume':
      return `Resume ${who}`
    case 'change_plan':
      return `Move ${who} to ${planName(cmd.params.plan)}`
    case 'add_addon':
      return `Add ${addonName(cmd.params.addon)} to ${who}`
    case 'remove_addon':
      return `Remove ${addonName(cmd.params.addon)} from ${who}`
    case 'credit_wallet':
      return `Credit ${formatCents(cmd.params.amount_cents)} to the wallet of ${who}${cmd.params.reason ? ` (reason: "${cmd.params.reason}")` : ''}`
    case 'send_notification':
      return `Send ${cmd.params.channel === 'sms' ? 'an SMS' : 'an email'} to ${who}: "${cmd.params.message}"`
    case 'tag':
      return `Tag ${who} with "${cmd.params.tag}"`
    case 'untag':
      return `Remove the tag "${cmd.params.tag}" from ${who}`
  }
}
