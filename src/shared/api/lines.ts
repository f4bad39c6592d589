import { z } from 'zod'
import type { LineRow } from '../domain/line'

/** Grid columns that can be sorted and filtered, by AG Grid colId. Anything else is refused at the boundary. */
export const LINE_COLUMNS = [
  'msisdn',
  'iccid',
  'imei',
  'accountId',
  'accountName',
  'email',
  'state',
  'zip',
  'accountType',
  'planCode',
  'addons',
  'status',
  'activatedAt',
  'cycleDay',
  'dataUsedMb',
  'failedPayments',
  'pastDueCents',
  'daysPastDue',
  'walletCents',
  'tags',
  'updatedAt',
] as const
export type LineColumn = (typeof LINE_COLUMNS)[number]
const column = z.enum(LINE_COLUMNS)
export const distinctInput = z.object({ colId: column })

// Filter models mirror AG Grid's (text, number, date, and our own set filter), so the grid's model passes through.
const textCond = z.object({
  filterType: z.literal('text'),
  type: z.enum(['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank']),
  filter: z.string().max(200).optional(),
})
const numberCond = z.object({
  filterType: z.literal('number'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank']),
  filter: z.number().finite().nullable().optional(),
  filterTo: z.number().finite().nullable().optional(),
})
const dateCond = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  // AG Grid sends 'YYYY-MM-DD hh:mm:ss'; only the date part is used
  dateFrom: z.string().max(32).nullable().optional(),
  dateTo: z.string().max(32).nullable().optional(),
})
const setCond = z.object({ filterType: z.literal('set'), values: z.array(z.string().max(200)).max(1000) })
const simpleCond = z.discriminatedUnion('filterType', [textCond, numberCond, dateCond, setCond])
const combinedCond = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(simpleCond).min(1).max(4),
})
export const lineFilter = z.union([combinedCond, simpleCond])
export type LineFilter = z.infer<typeof lineFilter>

export const linesQuery = z.object({
  startRow: z.number().int().min(0).max(100_000_000).default(0),
  endRow: z.number().int().min(1).max(100_000_000).default(100),
  sort: z.array(z.object({ colId: column, sort: z.enum(['asc', 'desc']) })).max(3).default([]),
  filter: z.partialRecord(column, lineFilter).default({}),
  /** free text over MSISDN (any formatting), ICCID, account id, name and email: prefix match, as the palette */
  quickSearch: z.string().max(200).default(''),
  /** restrict to these line ids (a console selection, a list scope) */
  lineIds: z.array(z.number().int()).max(1_000_000).optional(),
})
export type LinesQuery = z.input<typeof linesQuery>
export type LinesQueryParsed = z.output<typeof linesQuery>

export interface LinesPage {
  rows: LineRow[]
  /** total rows matching the filter (exact) */
  rowCount: number
}

export const searchInput = z.object({ text: z.string().max(200), limit: z.number().int().min(1).max(50).default(10) })
export type SearchInput = z.input<typeof searchInput>

export interface SearchHit {
  kind: 'line' | 'account'
  lineId: number | null
  msisdn: string | null
  iccid: string | null
  accountId: string
  name: string
  email: string
  status: string | null
  planCode: string | null
  /** which field matched the prefix */
  matched: 'msisdn' | 'iccid' | 'account' | 'name' | 'email'
}

export const lineRef = z.object({
  /** MSISDN in any US format, or the numeric line id */
  ref: z.string().min(1).max(64),
})

export interface DailyUsage {
  date: string
  mb: number
}

export interface LineDetail {
  line: LineRow & { cycleStart: string; topupMb: number; smsUsed: number; voiceMin: number; planChangesMonth: number; disconnectedAt: string | null }
  account: {
    id: string
    name: string
    email: string
    street: string
    city: string
    state: string
    zip: string
    type: string
    walletCents: number
    pastDueCents: number
    daysPastDue: number
    failedPayments: number
    tags: string
    createdAt: string
  }
  /** the account's other lines, by id, at most 200 (see otherLinesTotal) */
  otherLines: Array<Pick<LineRow, 'id' | 'msisdn' | 'planCode' | 'status'>>
  /** how many other lines the account has in all */
  otherLinesTotal: number
  plan: { code: string; name: string; monthlyCents: number; dataMb: number | null }
  addons: Array<{ code: string; name: string; priceCents: number; recurring: boolean }>
  usage: {
    cycleStart: string
    usedMb: number
    bucketMb: number | null
    topupMb: number
    remainingMb: number | null
    /** the last 90 days, oldest first */
    daily: DailyUsage[]
    cycles: Array<{ cycleStart: string; dataMb: number; sms: number; voiceMin: number; planCode: string }>
  }
  invoices: Array<{
    id: number
    period: string
    issuedAt: string
    dueAt: string
    totalCents: number
    taxCents: number
    status: string
    paidAt: string | null
    /** this line's items and the account-level ones (lineId null); other lines' items are left out */
    items: Array<{ kind: string; code: string | null; description: string; amountCents: number; lineId: number | null }>
  }>
  payments: Array<{ id: number; createdAt: string; amountCents: number; status: string; failureCode: string | null; failureMessage: string | null; invoiceId: number | null }>
  care: Array<{ id: number; createdAt: string; channel: string; category: string; summary: string; agent: string; lineId: number | null }>
  events: Array<{ id: number; at: string; kind: string; detail: string; reason: string | null; actor: string; batchId: string | null }>
  operations: Array<{ seq: number; batchId: string; action: string; params: string; status: string; reason: string | null; createdAt: string }>
}

export interface LinesApi {
  list(input: LinesQueryParsed): Promise<LinesPage>
  /** distinct values for a set filter (small-cardinality columns only) */
  distinct(input: { colId: LineColumn }): Promise<string[]>
  detail(input: { ref: string }): Promise<LineDetail>
  search(input: z.output<typeof searchInput>): Promise<SearchHit[]>
}
