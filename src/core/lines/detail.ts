// Everything the line detail view shows, in one call: the line, its account and the account's other lines, plan and
// add-ons, this cycle's usage against the bucket, 90 days of daily usage, cycles, invoices with items, payments, care
// interactions, the line's events and its console operations. Every read is a primary-key or indexed range lookup.
import type { LineDetail } from '../../shared/api/lines'
import { AppError } from '../../shared/api/errors'
import { ADDON_BY_CODE, PLAN_BY_CODE } from '../../shared/domain/catalog'
import type { LineRow } from '../../shared/domain/line'
import { toE164 } from '../../shared/domain/msisdn'
import { LINE_ROW_SELECT } from './columns'
import type { LinesEngine } from './engine'

export const DAILY_DAYS = 90
/** The account's other lines listed in full up to this many (a fleet account can have thousands). */
export const OTHER_LINES_MAX = 200
const HISTORY_MAX = 200

type LineDetailLine = LineDetail['line']

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** Resolves a reference typed by a person (MSISDN in any US format, or a numeric line id) to a line. */
function findLine(engine: LinesEngine, ref: string): LineDetailLine {
  const text = ref.trim()
  const select = `SELECT ${LINE_ROW_SELECT}, l.cycle_start AS cycleStart, l.topup_mb AS topupMb, l.sms_used AS smsUsed,
    l.voice_min AS voiceMin, l.plan_changes_month AS planChangesMonth, l.disconnected_at AS disconnectedAt FROM lines l`
  const e164 = toE164(text)
  if (e164) {
    const row = engine.stmt(`${select} WHERE l.msisdn = ?`).get(e164) as LineDetailLine | undefined
    if (row) return row
    throw new AppError('NOT_FOUND', `No line with MSISDN ${e164} (searched for "${text}")`)
  }
  if (/^\d{1,12}$/.test(text)) {
    const row = engine.stmt(`${select} WHERE l.id = ?`).get(Number(text)) as LineDetailLine | undefined
    if (row) return row
    throw new AppError('NOT_FOUND', `No line with id ${Number(text)} (searched for "${text}"; not a 10-digit US number either)`)
  }
  throw new AppError('NOT_FOUND', `No line matches "${text}": not a US phone number (10 digits, optionally +1) nor a line id`)
}

export function lineDetail(engine: LinesEngine, ref: string): LineDetail {
  const line = findLine(engine, ref)
  const stmt = (sql: string) => engine.stmt(sql)

  const account = stmt(
    `SELECT id, name, email, street, city, state, zip, type, wallet_cents AS walletCents, past_due_cents AS pastDueCents,
       days_past_due AS daysPastDue, failed_payments AS failedPayments, tags, created_at AS createdAt FROM accounts WHERE id = ?`,
  ).get(line.accountId) as LineDetail['account'] | undefined
  if (!account) throw new AppError('NOT_FOUND', `Line ${line.msisdn} belongs to account ${line.accountId}, which is not in this workspace`)

  const otherLines = stmt(
    'SELECT id, msisdn, plan_code AS planCode, status FROM lines WHERE account_id = ? AND id <> ? ORDER BY id LIMIT ?',
  ).all(line.accountId, line.id, OTHER_LINES_MAX) as Array<Pick<LineRow, 'id' | 'msisdn' | 'planCode' | 'status'>>
  const otherLinesTotal =
    otherLines.length < OTHER_LINES_MAX
      ? otherLines.length
      : (stmt('SELECT count(*) AS n FROM lines WHERE account_id = ?').get(line.accountId) as { n: number }).n - 1

  const planRow = stmt('SELECT code, name, monthly_cents AS monthlyCents, data_mb AS dataMb FROM plans WHERE code = ?').get(line.planCode) as
    | LineDetail['plan']
    | undefined
  const catalogPlan = PLAN_BY_CODE.get(line.planCode)
  const plan: LineDetail['plan'] = planRow ?? {
    code: line.planCode,
    name: catalogPlan?.name ?? line.planCode,
    monthlyCents: catalogPlan?.monthlyCents ?? 0,
    dataMb: catalogPlan?.dataMb ?? null,
  }

  const codes = line.addons ? line.addons.split(',') : []
  const addonStmt = stmt('SELECT code, name, price_cents AS priceCents, recurring FROM addons WHERE code = ?')
  const addons = codes.map((code) => {
    const row = addonStmt.get(code) as { code: string; name: string; priceCents: number; recurring: number } | undefined
    const cat = ADDON_BY_CODE.get(code)
    return row
      ? { code, name: row.name, priceCents: row.priceCents, recurring: Boolean(row.recurring) }
      : { code, name: cat?.name ?? code, priceCents: cat?.priceCents ?? 0, recurring: cat?.recurring ?? false }
  })

  // the last 90 days up to the workspace's "as of" date, decoded from the per-month uint16 LE blobs
  const asOf = engine.ws.meta('as_of') ?? new Date().toISOString().slice(0, 10)
  const first = addDays(asOf, -(DAILY_DAYS - 1))
  const months = new Map<string, Buffer>()
  for (const r of stmt('SELECT month, mb FROM usage_daily WHERE line_id = ? AND month >= ? AND month <= ?').all(
    line.id,
    first.slice(0, 7),
    asOf.slice(0, 7),
  ) as Array<{ month: string; mb: Buffer }>) {
    months.set(r.month, r.mb)
  }
  const daily: LineDetail['usage']['daily'] = []
  for (let i = 0; i < DAILY_DAYS; i++) {
    const date = addDays(first, i)
    const blob = months.get(date.slice(0, 7))
    const off = (Number(date.slice(8, 10)) - 1) * 2
    daily.push({ date, mb: blob && blob.length >= off + 2 ? blob.readUInt16LE(off) : 0 })
  }

  const cycles = stmt(
    'SELECT cycle_start AS cycleStart, data_mb AS dataMb, sms, voice_min AS voiceMin, plan_code AS planCode FROM usage_cycles WHERE line_id = ? ORDER BY cycle_start DESC',
  ).all(line.id) as LineDetail['usage']['cycles']

  const bucketMb = plan.dataMb
  const usage: LineDetail['usage'] = {
    cycleStart: line.cycleStart,
    usedMb: line.dataUsedMb,
    bucketMb,
    topupMb: line.topupMb,
    remainingMb: bucketMb == null ? null : bucketMb + line.topupMb - line.dataUsedMb,
    daily,
    cycles,
  }

  // invoices of the account, newest first, with this line's items and the account-level ones (fees, credits, tax)
  const invoiceRows = stmt(
    `SELECT id, period, issued_at AS issuedAt, due_at AS dueAt, total_cents AS totalCents, tax_cents AS taxCents, status, paid_at AS paidAt
       FROM invoices WHERE account_id = ? ORDER BY period DESC, id DESC`,
  ).all(line.accountId) as Array<Omit<LineDetail['invoices'][number], 'items'>>
  const itemStmt = stmt(
    `SELECT kind, code, description, amount_cents AS amountCents, line_id AS lineId FROM invoice_items
      WHERE invoice_id = ? AND (line_id = ? OR line_id IS NULL) ORDER BY id`,
  )
  const invoices = invoiceRows.map((inv) => ({ ...inv, items: itemStmt.all(inv.id, line.id) as LineDetail['invoices'][number]['items'] }))

  const payments = stmt(
    `SELECT id, created_at AS createdAt, amount_cents AS amountCents, status, failure_code AS failureCode, failure_message AS failureMessage,
       invoice_id AS invoiceId FROM payments WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
  ).all(line.accountId, HISTORY_MAX) as LineDetail['payments']

  const care = stmt(
    `SELECT id, created_at AS createdAt, channel, category, summary, agent, line_id AS lineId FROM care_interactions
      WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
  ).all(line.accountId, HISTORY_MAX) as LineDetail['care']

  const events = stmt(
    `SELECT id, at, kind, detail, reason, actor, batch_id AS batchId FROM line_events WHERE line_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
  ).all(line.id, HISTORY_MAX) as LineDetail['events']

  const operations = stmt(
    `SELECT seq, batch_id AS batchId, action, params, status, reason, created_at AS createdAt FROM operations
      WHERE line_id = ? ORDER BY seq DESC LIMIT ?`,
  ).all(line.id, HISTORY_MAX) as LineDetail['operations']

  return { line, account, otherLines, otherLinesTotal, plan, addons, usage, invoices, payments, care, events, operations }
}
