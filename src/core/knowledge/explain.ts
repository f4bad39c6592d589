// Answers a support agent's question about a line ("why was 555-123-4567 suspended?") from the local store alone:
// the line's history, its account's payments and invoices, and the console batch that touched it, with links to each.
// Deterministic and offline; every sentence rests on a row the agent can open.
import type { Answer, AnswerLink } from '../../shared/api/knowledge'
import { formatUs, toE164 } from '../../shared/domain/msisdn'
import type { Db } from '../store'

type Intent = Answer['intent']

const INTENTS: Array<[Intent, RegExp]> = [
  ['hotlined', /hot\s*-?\s*lin/i],
  ['suspended', /suspen|cut\s+off|shut\s+off|blocked/i],
  ['disconnected', /disconnect|deactivat|cancel+ed|terminated|lost (?:the|their|my) number/i],
  ['payment', /payment|declin|card|charge failed|autopay|failed to pay/i],
  ['bill', /bill|invoice|charged|higher|expensive|overcharg|fee/i],
  ['plan', /plan (?:change|changed)|changed (?:the |their |my )?plan|downgrad|upgrad|plan/i],
  ['usage', /data|usage|slow|throttl|bucket|top-?up/i],
]

const PHONE = /(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b/
const ACCOUNT = /\bACC-\d{1,9}\b/i

export function detectIntent(question: string): Intent {
  for (const [intent, re] of INTENTS) if (re.test(question)) return intent
  return 'status'
}

export function detectSubject(question: string): { msisdn: string | null; account: string | null } {
  const phone = question.match(PHONE)
  const account = question.match(ACCOUNT)
  return { msisdn: phone ? toE164(phone[0]) : null, account: account ? account[0].toUpperCase() : null }
}

interface LineRecord {
  id: number
  msisdn: string
  status: string
  plan_code: string
  account_id: string
  account_name: string
  failed_payments: number
  past_due_cents: number
  days_past_due: number
  activated_at: string | null
}

interface EventRecord {
  id: number
  at: string
  kind: string
  detail: string
  reason: string | null
  actor: string
  batch_id: string | null
}

interface PaymentRecord {
  created_at: string
  amount_cents: number
  status: string
  failure_code: string | null
  failure_message: string | null
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`
const day = (iso: string) => iso.slice(0, 10)

const STATUS_EVENT: Partial<Record<Intent, string>> = { suspended: 'suspended', hotlined: 'hotlined', disconnected: 'disconnected' }
const ARTICLE_FOR: Record<Intent, string[]> = {
  suspended: ['dunning-schedule', 'carrier-plan-rules'],
  hotlined: ['dunning-schedule'],
  disconnected: ['dunning-schedule', 'reconnect-window'],
  payment: ['decline-codes', 'dunning-schedule'],
  bill: ['bill-explained'],
  plan: ['carrier-plan-rules', 'bill-explained'],
  usage: ['data-usage'],
  status: [],
  article: [],
}

export function explain(db: Db, question: string, articleTitle: (id: string) => string | null): Answer {
  const intent = detectIntent(question)
  const subject = detectSubject(question)
  const articles = ARTICLE_FOR[intent].map((id) => ({ id, title: articleTitle(id) })).filter((a): a is { id: string; title: string } => !!a.title)
  const base = { intent, articles, tier: 'local' as const, evidence: [] as Answer['evidence'], links: [] as AnswerLink[] }

  let line: LineRecord | undefined
  if (subject.msisdn) {
    line = db.prepare('SELECT * FROM lines WHERE msisdn = ?').get(subject.msisdn) as LineRecord | undefined
    if (!line) {
      return { ...base, subject: subject.msisdn, answer: [`No line with MSISDN ${subject.msisdn} (${formatUs(subject.msisdn)}) is in this workspace. Check the number, or search by name or account in the palette (Ctrl+K).`] }
    }
  } else if (subject.account) {
    line = db.prepare('SELECT * FROM lines WHERE account_id = ? ORDER BY (status = ?) DESC, id LIMIT 1').get(subject.account, STATUS_EVENT[intent] ?? 'active') as LineRecord | undefined
    if (!line) return { ...base, subject: subject.account, answer: [`No account ${subject.account} is in this workspace.`] }
  } else {
    return { ...base, intent: articles.length ? intent : 'article', subject: null, answer: ['Name a line (any phone format) or an account id (ACC-000123) and I will look it up; meanwhile these articles may help.'] }
  }

  const lineHref = `#/lines/${encodeURIComponent(line.msisdn)}`
  const who = `Line ${formatUs(line.msisdn)} (${line.account_name}, ${line.account_id})`
  base.links.push({ label: `Open ${formatUs(line.msisdn)}`, href: lineHref })
  const events = db.prepare('SELECT id, at, kind, detail, reason, actor, batch_id FROM line_events WHERE line_id = ? ORDER BY at DESC, id DESC LIMIT 200').all(line.id) as EventRecord[]
  const answer: string[] = []

  const kind = STATUS_EVENT[intent]
  if (kind) {
    const ev = events.find((e) => e.kind === kind)
    if (!ev) {
      answer.push(`${who} has no ${kind} event in its history; it is ${line.status} now.`)
    } else {
      answer.push(`${who} was ${kind} on ${day(ev.at)} by ${ev.actor}${ev.reason ? ` — reason: ${ev.reason}` : ''}.`)
      base.evidence.push({ at: ev.at, text: `${ev.kind}${ev.detail ? `: ${ev.detail}` : ''}`, href: lineHref })
      if (ev.batch_id) answer.push(...explainBatch(db, ev.batch_id, base))
      answer.push(...explainPayments(db, line, ev.at, base))
      const after = events.filter((e) => e.at > ev.at || (e.at === ev.at && e.id > ev.id)).reverse()
      const next = after.find((e) => e.kind !== kind)
      answer.push(
        next ? `Since then: ${next.kind} on ${day(next.at)}${next.reason ? ` (${next.reason})` : ''}; the line is ${line.status} now.` : `It is still ${line.status}.`,
      )
    }
  } else if (intent === 'payment') {
    answer.push(`${who}: the account has ${line.failed_payments} consecutive failed payment(s) and ${money(line.past_due_cents)} past due${line.days_past_due ? ` for ${line.days_past_due} days` : ''}.`)
    answer.push(...explainPayments(db, line, '9999-12-31', base))
  } else if (intent === 'bill') {
    answer.push(...explainBill(db, line, base))
  } else if (intent === 'plan') {
    const changes = events.filter((e) => e.kind === 'plan_changed').slice(0, 3)
    answer.push(`${who} is on ${line.plan_code}.`)
    if (changes.length === 0) answer.push('Its plan has not changed in the history this workspace holds.')
    for (const c of changes) {
      answer.push(`Plan changed on ${day(c.at)} by ${c.actor}${c.detail ? `: ${c.detail}` : ''}.`)
      base.evidence.push({ at: c.at, text: `plan_changed ${c.detail}`, href: lineHref })
      if (c.batch_id) answer.push(...explainBatch(db, c.batch_id, base))
    }
  } else {
    answer.push(`${who} is ${line.status}, on ${line.plan_code}${line.activated_at ? `, active since ${line.activated_at}` : ''}.`)
    for (const e of events.slice(0, 3)) base.evidence.push({ at: e.at, text: `${e.kind}${e.reason ? ` (${e.reason})` : ''}`, href: lineHref })
    if (line.failed_payments > 0) answer.push(`Its account has ${line.failed_payments} consecutive failed payment(s) and ${money(line.past_due_cents)} past due.`)
  }

  const pending = db
    .prepare("SELECT action, batch_id FROM operations WHERE line_id = ? AND status = 'pending' ORDER BY seq")
    .all(line.id) as Array<{ action: string; batch_id: string }>
  if (pending.length) answer.push(`Pending, not yet confirmed by the central ledger: ${pending.map((p) => p.action).join(', ')}.`)

  return { ...base, subject: line.msisdn, answer }
}

function explainBatch(db: Db, batchId: string, base: { links: AnswerLink[]; evidence: Answer['evidence'] }): string[] {
  const batch = db.prepare('SELECT id, created_at, actor, role, sentence, matched FROM op_batches WHERE id = ?').get(batchId) as
    | { id: string; created_at: string; actor: string; role: string; sentence: string; matched: number }
    | undefined
  base.links.push({ label: `Open batch ${batchId.slice(0, 8)}`, href: `#/history/${encodeURIComponent(batchId)}` })
  if (!batch) return [`It was part of console batch ${batchId}.`]
  base.evidence.push({ at: batch.created_at, text: `batch by ${batch.actor}: "${batch.sentence}"`, href: `#/history/${encodeURIComponent(batchId)}` })
  return [`It was part of a console batch committed by ${batch.actor} (${batch.role}) on ${day(batch.created_at)}: "${batch.sentence}" — ${batch.matched} line(s) matched.`]
}

function explainPayments(db: Db, line: LineRecord, before: string, base: { evidence: Answer['evidence'] }): string[] {
  const payments = db
    .prepare('SELECT created_at, amount_cents, status, failure_code, failure_message FROM payments WHERE account_id = ? AND created_at <= ? ORDER BY created_at DESC LIMIT 12')
    .all(line.account_id, before) as PaymentRecord[]
  const streak: PaymentRecord[] = []
  for (const p of payments) {
    if (p.status !== 'failed') break
    streak.push(p)
  }
  if (streak.length === 0) {
    const last = payments[0]
    return last ? [`The account's last payment before then succeeded (${money(last.amount_cents)} on ${day(last.created_at)}).`] : []
  }
  for (const p of streak) base.evidence.push({ at: p.created_at, text: `payment of ${money(p.amount_cents)} failed: ${p.failure_code ?? ''} ${p.failure_message ?? ''}`.trim() })
  const codes = [...new Set(streak.map((p) => `${p.failure_code ?? '?'} ${p.failure_message ?? ''}`.trim()))].join(', ')
  return [
    `Before that the account had ${streak.length} consecutive failed payment(s) (${codes}), the latest on ${day(streak[0].created_at)}; it is ${money(line.past_due_cents)} past due${line.days_past_due ? ` for ${line.days_past_due} days` : ''}.`,
  ]
}

function explainBill(db: Db, line: LineRecord, base: { evidence: Answer['evidence'] }): string[] {
  const invoices = db
    .prepare('SELECT id, period, total_cents, prior_balance_cents, status FROM invoices WHERE account_id = ? ORDER BY period DESC LIMIT 2')
    .all(line.account_id) as Array<{ id: number; period: string; total_cents: number; prior_balance_cents: number; status: string }>
  if (invoices.length === 0) return [`The account ${line.account_id} has no invoices yet.`]
  const [cur, prev] = invoices
  const out = [`The ${cur.period} invoice is ${money(cur.total_cents)} (${cur.status})${prev ? `, against ${money(prev.total_cents)} for ${prev.period}` : ''}.`]
  const items = (id: number) =>
    db.prepare('SELECT kind, SUM(amount_cents) AS cents FROM invoice_items WHERE invoice_id = ? GROUP BY kind').all(id) as Array<{ kind: string; cents: number }>
  const now = new Map(items(cur.id).map((i) => [i.kind, i.cents]))
  const before = new Map(prev ? items(prev.id).map((i) => [i.kind, i.cents]) : [])
  const diffs = [...new Set([...now.keys(), ...before.keys()])]
    .map((k) => ({ kind: k, delta: (now.get(k) ?? 0) - (before.get(k) ?? 0) }))
    .filter((d) => d.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
  if (prev && diffs.length) out.push(`What changed: ${diffs.map((d) => `${d.kind} ${d.delta > 0 ? '+' : '−'}${money(Math.abs(d.delta))}`).join(', ')}.`)
  if (cur.prior_balance_cents > 0) out.push(`It carries forward an unpaid balance of ${money(cur.prior_balance_cents)}.`)
  base.evidence.push({ at: cur.period, text: `invoice ${cur.id}: ${money(cur.total_cents)}` })
  return out
}
