// The grid's columns as SQL: a whitelist from AG Grid colId to the column expression, the index that orders it and how
// filter text is normalized to the stored form. Nothing a user types ever becomes SQL text; values are bound parameters.
import type { LineColumn } from '../../shared/api/lines'
import { digitsOf, toE164 } from '../../shared/domain/msisdn'

export type ColumnKind = 'text' | 'number' | 'date'

export interface ColumnSpec {
  colId: LineColumn
  /** the stored column */
  column: string
  kind: ColumnKind
  /** the index whose order is (column, id); every sortable column has one */
  index: string
  /** comparisons and ordering use NOCASE (the index is declared COLLATE NOCASE) */
  nocase?: boolean
  /** the stored value is a sorted comma-separated list of codes (set filters match any code) */
  list?: boolean
  /** distinct() serves this column (small cardinality) */
  distinct?: boolean
  /** the stored text's canonical case, so that binary comparisons (and their indexes) work for typed text */
  fold?: 'upper' | 'lower'
  /** the column may hold NULL (pending lines have no activation date) */
  nullable?: boolean
}

const specs: ColumnSpec[] = [
  { colId: 'msisdn', column: 'msisdn', kind: 'text', index: 'lines_msisdn' },
  { colId: 'iccid', column: 'iccid', kind: 'text', index: 'lines_iccid', fold: 'upper' },
  { colId: 'imei', column: 'imei', kind: 'text', index: 'lines_imei', fold: 'upper' },
  { colId: 'accountId', column: 'account_id', kind: 'text', index: 'lines_account', fold: 'upper' },
  { colId: 'accountName', column: 'account_name', kind: 'text', index: 'lines_account_name', nocase: true },
  { colId: 'email', column: 'email', kind: 'text', index: 'lines_email', fold: 'lower' },
  { colId: 'state', column: 'state', kind: 'text', index: 'lines_state', fold: 'upper', distinct: true },
  { colId: 'zip', column: 'zip', kind: 'text', index: 'lines_zip' },
  { colId: 'accountType', column: 'account_type', kind: 'text', index: 'lines_account_type', fold: 'lower', distinct: true },
  { colId: 'planCode', column: 'plan_code', kind: 'text', index: 'lines_plan', fold: 'upper', distinct: true },
  { colId: 'addons', column: 'addons', kind: 'text', index: 'lines_addons', fold: 'upper', list: true, distinct: true },
  { colId: 'status', column: 'status', kind: 'text', index: 'lines_status', fold: 'lower', distinct: true },
  { colId: 'activatedAt', column: 'activated_at', kind: 'date', index: 'lines_activated', nullable: true },
  { colId: 'cycleDay', column: 'cycle_day', kind: 'number', index: 'lines_cycle_day', distinct: true },
  { colId: 'dataUsedMb', column: 'data_used_mb', kind: 'number', index: 'lines_data_used' },
  { colId: 'failedPayments', column: 'failed_payments', kind: 'number', index: 'lines_failed', distinct: true },
  { colId: 'pastDueCents', column: 'past_due_cents', kind: 'number', index: 'lines_past_due' },
  { colId: 'daysPastDue', column: 'days_past_due', kind: 'number', index: 'lines_days_past_due' },
  { colId: 'walletCents', column: 'wallet_cents', kind: 'number', index: 'lines_wallet' },
  { colId: 'tags', column: 'tags', kind: 'text', index: 'lines_tags', fold: 'lower', list: true, distinct: true },
  { colId: 'updatedAt', column: 'updated_at', kind: 'date', index: 'lines_updated' },
]

export const COLUMN_SPECS: ReadonlyMap<LineColumn, ColumnSpec> = new Map(specs.map((s) => [s.colId, s]))

export function columnSpec(colId: LineColumn): ColumnSpec {
  const spec = COLUMN_SPECS.get(colId)
  // unreachable through the API (zod refuses unknown colIds); a guard for in-process callers
  if (!spec) throw new Error(`unknown grid column ${String(colId)}`)
  return spec
}

/** The column as an ORDER BY / comparison operand (with its collation). */
export function sqlOperand(spec: ColumnSpec): string {
  return spec.nocase ? `${spec.column} COLLATE NOCASE` : spec.column
}

/** The SELECT list of one grid row (LineRow). */
export const LINE_ROW_SELECT = `l.id AS id, l.msisdn AS msisdn, l.iccid AS iccid, l.imei AS imei, l.account_id AS accountId,
  l.account_name AS accountName, l.email AS email, l.state AS state, l.zip AS zip, l.account_type AS accountType,
  l.plan_code AS planCode, l.addons AS addons, l.status AS status, l.activated_at AS activatedAt, l.cycle_day AS cycleDay,
  l.data_used_mb AS dataUsedMb, l.failed_payments AS failedPayments, l.past_due_cents AS pastDueCents,
  l.days_past_due AS daysPastDue, l.wallet_cents AS walletCents, l.tags AS tags, l.row_version AS rowVersion,
  l.updated_at AS updatedAt`

/** Upper bound of a prefix range: every string that starts with `prefix` sorts below it (binary and NOCASE). */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`
}

/**
 * Normalizes typed filter text to the stored form of the column, per operator: MSISDNs in any formatting become E.164
 * (or their digits for contains/endsWith), account numbers gain their ACC- prefix, codes and e-mails take the stored case.
 */
export function normalizeText(spec: ColumnSpec, text: string, op: 'equals' | 'prefix' | 'infix', accountDigits = 6): string {
  const t = text.trim()
  if (spec.colId === 'msisdn') {
    const d = digitsOf(t)
    if (d === '') return t
    if (op === 'infix') return d
    if (op === 'equals') return toE164(t) ?? `+${d.startsWith('1') ? d : `1${d}`}`
    return `+${d.startsWith('1') ? d : `1${d}`}`
  }
  if (spec.colId === 'accountId' && /^\d+$/.test(t) && op !== 'infix') return `ACC-${op === 'equals' ? t.padStart(accountDigits, '0') : t}`
  if (spec.fold === 'upper') return t.toUpperCase()
  if (spec.fold === 'lower') return t.toLowerCase()
  return t
}
