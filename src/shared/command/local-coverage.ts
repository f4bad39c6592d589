// No part of a sentence is silently dropped (issue 11, "a console that never says the opposite"). After the local
// parser has read a command, every word of the sentence must be accounted for: consumed by the action, a param, a
// condition or a negation, or one of the explicit lists below. A word outside them — "who moved last week", "never",
// a "zero" that no condition took — makes the parse a refusal with a suggestion, never a wider cohort.
//
// The lists are deliberately small. A word that carries meaning about a field ("owing", "remaining", "balance") is
// accounted for only when the command has a condition on that field; negation and zero words ("no", "not", "zero",
// "nothing", "except", "without") are never fillers: they count only when a condition consumed them.
import type { Tok } from './local-lexicon'
import { fail, type Ctx } from './local-context'
import type { Command } from './schema'

/** Words that say nothing about which lines or what to do: articles, pronouns, the nouns for lines, glue. */
export const FILLER_WORDS = new Set([
  'a', 'an', 'the', 'all', 'every', 'each', 'any', 'everyone', 'everybody', 'everything', 'whole', 'entire',
  'line', 'lines', 'customer', 'customers', 'subscriber', 'subscribers', 'user', 'users', 'people', 'members', 'folks',
  'account', 'accounts', 'number', 'numbers', 'phone', 'phones', 'sim', 'sims', 'device', 'devices', 'msisdn', 'mdn',
  'base', 'ones', 'them', 'those', 'these', 'it', 'they', 'their', 'its', 'our', 'my', 'his', 'her',
  'with', 'in', 'on', 'to', 'from', 'for', 'of', 'at', 'by', 'via', 'across', 'onto', 'into', 'within',
  'and', 'but', 'also', ',', ';', '/', 'that', 'who', 'whose', 'which', 'where', 'whom',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'having', 'currently', 'still', 'now',
  'today', 'please', 'only', 'just', 'right', 'us', 'this', 'as', 'so',
])

/** Words about one field: accounted for when the command has a condition on that field. */
const FIELD_WORDS: Record<string, string[]> = {
  failed_payments: ['failed', 'payments', 'payment', 'consecutive', 'row', 'straight', 'missed', 'declined', 'bounced', 'returned', 'failure', 'failures', 'times'],
  past_due_cents: ['past', 'due', 'past-due', 'overdue', 'owing', 'owe', 'owes', 'owed', 'balance', 'balances', 'outstanding', 'unpaid', 'amount', 'debt', 'arrears', 'behind', 'delinquent', 'money', 'bill', 'bills', 'invoice', 'invoices', 'anything'],
  days_past_due: ['past', 'due', 'past-due', 'overdue', 'late', 'behind', 'delinquent', 'payment', 'payments', 'unpaid', 'days'],
  wallet_cents: ['wallet', 'wallets', 'credit', 'credits', 'balance', 'prepaid', 'stored', 'value', 'funds', 'money'],
  data_used_mb: ['used', 'use', 'uses', 'using', 'usage', 'data', 'cycle', 'consumed', 'spent', 'billing'],
  data_remaining_mb: ['remaining', 'left', 'remains', 'available', 'unused', 'data', 'cycle', 'billing'],
  tenure_days: ['tenure', 'customers', 'subscribers', 'members', 'old', 'older', 'long', 'longer', 'newer', 'younger', 'since', 'been'],
  activated_at: ['activated', 'activation', 'joined', 'signed', 'up', 'added', 'opened', 'started', 'new', 'ago', 'since'],
  zip: ['zip', 'zips', 'code', 'codes', 'postal'],
  state: ['state', 'states'],
  status: ['status'],
  plan: ['plan', 'plans'],
  tag: ['tag', 'tags', 'tagged'],
  addon: ['add-on', 'add-ons', 'addon', 'addons'],
  account_type: ['type'],
}

/** Words that belong to an action's own phrasing ("put … on hold", "by text", "an extra 5 gigs", "a $5 credit"). */
const ACTION_WORDS: Partial<Record<Command['action'], string[]>> = {
  suspend: ['hold', 'put', 'place', 'off'],
  resume: ['service'],
  credit_wallet: ['credit', 'credits', 'wallet', 'wallets', 'goodwill', 'courtesy', 'compensation', 'extra', 'bonus', 'give'],
  add_addon: ['extra', 'data', 'more', 'add-on', 'addon'],
  remove_addon: ['add-on', 'addon', 'off'],
  change_plan: ['plan', 'plans', 'new'],
  send_notification: ['text', 'sms', 'email', 'e-mail', 'message', 'notification', 'notice', 'saying', 'says', 'said', 'reading'],
  tag: ['tag', 'tags', 'flag', 'label'],
  untag: ['tag', 'tags', 'flag', 'label', 'off'],
}

/** Glue that may sit inside an unread phrase; shown with it so the operator sees the whole clause. */
const CLAUSE_GLUE = /^(?:who|that|which|whose|with|are|is|have|has|had|were|was)$/

function fieldsOf(cmd: Command): Set<string> {
  const out = new Set<string>()
  if (cmd.scope.kind === 'cohort') for (const c of cmd.scope.where) out.add(c.field)
  // a tenure test may have been written as an activation date and the other way round
  if (out.has('activated_at')) out.add('tenure_days')
  if (out.has('tenure_days')) out.add('activated_at')
  return out
}

export function accountedWords(cmd: Command): Set<string> {
  const words = new Set(FILLER_WORDS)
  for (const f of fieldsOf(cmd)) {
    // the contract's own field names, typed as such ("data_used_mb > 10240")
    words.add(f)
    for (const w of FIELD_WORDS[f] ?? []) words.add(w)
  }
  for (const w of ACTION_WORDS[cmd.action] ?? []) words.add(w)
  return words
}

/**
 * Refuses the parse when a word of the sentence was read by nothing. `verbAt`..`verbEnd` is the action's own phrase.
 * Throws a ParseFail naming the unread phrase, with what the console can read instead.
 */
export function requireEveryWordRead(ctx: Ctx, cmd: Command, verb: { verbAt: number; verbEnd: number }): void {
  const ok = accountedWords(cmd)
  const { toks, used } = ctx
  const unread = (i: number): boolean => {
    const t = toks[i]
    if (used.has(i) || t.k !== 'word') return false
    if (t.s >= verb.verbAt && t.s <= verb.verbEnd) return false
    return !ok.has(t.w)
  }
  const first = toks.findIndex((_t, i) => unread(i))
  if (first < 0) return
  let s = first
  while (s > 0 && !used.has(s - 1) && isGlue(toks[s - 1])) s--
  let e = first
  while (e + 1 < toks.length && !used.has(e + 1) && (unread(e + 1) || toks[e + 1].k !== 'word')) e++
  const phrase = ctx.cased.slice(toks[s].s, toks[e].e).trim()
  fail(`I could not read '${phrase}'`, suggestionFor(toks[first]))
}

function isGlue(t: Tok): boolean {
  return t.k === 'word' && CLAUSE_GLUE.test(t.w)
}

const KNOWN =
  'try conditions the console knows: plan, status, state, zip, account type, account, add-ons, tags, data used/remaining, failed payments, past due ("owing over $100", "with no past due balance"), wallet, tenure, activation date'

function suggestionFor(t: Tok): string {
  const w = t.k === 'word' ? t.w : ''
  if (/^(?:never|ever)$/.test(w)) return `the console sees each line as it is now, not its history: ${KNOWN}`
  if (/^(?:zero|nothing|none|nil|no|not|without|except|excluding|outside|other|don't|doesn't|isn't|aren't|never)$/.test(w))
    return `say what is zero or excluded next to it, e.g. "with no past due balance", "with zero failed payments", "not on Mobile 5GB", "except those tagged vip"; ${KNOWN}`
  return KNOWN
}
