// The rows of a preview, for its grid: one page of the affected lines, the blocked ones or those of one rule.
import type { PreviewRow } from '../../shared/api/console'
import type { Db } from '../store'
import type { CommandPlan } from './preview-aggregates'

export const PREVIEW_ROW_COLUMNS = `id, msisdn, iccid, imei, account_id AS accountId, account_name AS accountName, email, state, zip,
  account_type AS accountType, plan_code AS planCode, addons, status, activated_at AS activatedAt, cycle_day AS cycleDay,
  data_used_mb AS dataUsedMb, failed_payments AS failedPayments, past_due_cents AS pastDueCents,
  days_past_due AS daysPastDue, wallet_cents AS walletCents, tags, row_version AS rowVersion, updated_at AS updatedAt,
  plan_changes_month AS planChangesMonth`

/** 'affected' → r = 0, 'blocked' → r > 0, a reason code → that rule. */
export function previewRowsOf(db: Db, plan: CommandPlan, which: string, startRow: number, endRow: number, counts: number[]): { rows: PreviewRow[]; rowCount: number } {
  let test: string
  let rowCount: number
  if (which === 'affected') {
    test = '= 0'
    rowCount = counts[0]
  } else if (which === 'blocked') {
    test = '> 0'
    rowCount = counts.slice(1).reduce((s, c) => s + c, 0)
  } else {
    const k = plan.rules.findIndex((r) => r.code === which)
    if (k < 0) return { rows: [], rowCount: 0 }
    test = `= ${k + 1}`
    rowCount = counts[k + 1]
  }
  const limit = Math.max(0, endRow - startRow)
  if (limit === 0 || rowCount === 0) return { rows: [], rowCount }
  // flat, so that a scan in rowid order satisfies ORDER BY id and stops after the page (no sort of a million rows)
  const sql = `SELECT ${PREVIEW_ROW_COLUMNS}, ${plan.reason.sql} AS r FROM ${plan.from}
    WHERE (${plan.scope.sql}) AND (${plan.reason.sql}) ${test} ORDER BY id LIMIT ? OFFSET ?`
  const raw = db.prepare(sql).all(...plan.reason.params, ...plan.scope.params, ...plan.reason.params, limit, startRow) as Array<PreviewRow & { r: number }>
  const rows = raw.map(({ r, ...row }) => ({
    ...row,
    blockedReason: r === 0 ? null : plan.rules[r - 1].code,
    blockedLabel: r === 0 ? null : plan.rules[r - 1].label,
  }))
  return { rows: rows as PreviewRow[], rowCount }
}
