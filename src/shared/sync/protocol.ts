// The sync protocol (docs/SYNC-PROTOCOL.md, protocol 1) as zod schemas. Every reply from a server is parsed here
// before anything touches the local store: a malformed reply is refused as a whole (nothing applied, cursor unchanged).
import { z } from 'zod'
import { ACTIONS } from '../command/schema'

export const PROTOCOL_VERSION = 1
/** Central schema versions this workstation can apply. */
export const KNOWN_SCHEMA_VERSIONS: readonly number[] = [1]

/** Synced tables in bootstrap order, with their primary keys (same names as the local store). */
export const SYNCED_TABLES = [
  'plans',
  'addons',
  'accounts',
  'lines',
  'usage_cycles',
  'usage_daily',
  'invoices',
  'invoice_items',
  'payments',
  'care_interactions',
  'line_events',
] as const
export type SyncedTable = (typeof SYNCED_TABLES)[number]

export const TABLE_PKS: Record<SyncedTable, readonly string[]> = {
  plans: ['code'],
  addons: ['code'],
  accounts: ['id'],
  lines: ['id'],
  usage_cycles: ['line_id', 'cycle_start'],
  usage_daily: ['line_id', 'month'],
  invoices: ['id'],
  invoice_items: ['id'],
  payments: ['id'],
  care_interactions: ['id'],
  line_events: ['id'],
}

/** Account columns the workstation copies onto its `lines` (central `lines` does not have them). */
export const LINE_ACCOUNT_COLUMNS = {
  account_name: 'name',
  email: 'email',
  state: 'state',
  zip: 'zip',
  account_type: 'type',
  failed_payments: 'failed_payments',
  past_due_cents: 'past_due_cents',
  days_past_due: 'days_past_due',
  wallet_cents: 'wallet_cents',
} as const

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const pkObject = z.record(z.string(), scalar)
const rowObject = z.record(z.string(), scalar)
const tableName = z.enum(SYNCED_TABLES)

export const upsertChange = z.object({ table: tableName, op: z.literal('upsert'), pk: pkObject, row: rowObject })
export const deleteChange = z.object({ table: tableName, op: z.literal('delete'), pk: pkObject })
export const change = z.discriminatedUnion('op', [upsertChange, deleteChange])
export type Change = z.infer<typeof change>

/** A position in the log or snapshot: numbers are accepted and kept as text (xid8 may exceed 2^53). */
const positionText = z.union([z.string(), z.number().int()]).transform((v) => String(v))

export const pullReply = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  schema_version: z.number().int(),
  reset: z.boolean(),
  phase: z.enum(['snapshot', 'log']),
  changes: z.array(change),
  cursor: z.string().nullable(),
  has_more: z.boolean(),
  remaining_estimate: z.number().nonnegative().nullable().optional(),
  horizon: positionText.nullable().optional(),
})
export type PullReply = z.output<typeof pullReply>

/** The console contract's actions, plus `debit_wallet`, which only rollbacks produce (docs/CONSOLE.md). */
export const PUSH_ACTIONS = [...ACTIONS, 'debit_wallet'] as const
export type PushAction = (typeof PUSH_ACTIONS)[number]

export interface PushOp {
  op_id: number
  batch_id: string
  /** free text on purpose: an action the server does not know comes back `rejected`, it never fails the batch */
  action: string
  line_id: number
  params: Record<string, unknown>
  base_version: number
  sentence: string
}
export interface PushBatch {
  client_id: string
  ops: PushOp[]
}

export const pushResult = z.object({
  op_id: z.number().int(),
  status: z.enum(['applied', 'rejected', 'conflict', 'duplicate']),
  reason: z.string().nullable().optional(),
  row_version: z.number().int().nullable().optional(),
  ledger_id: z.union([z.number().int(), z.string()]).nullable().optional(),
  /** for `duplicate`: the status the op got the first time (optional; absent = applied) */
  original_status: z.enum(['applied', 'rejected', 'conflict']).nullable().optional(),
  /** the op's fingerprint (for `duplicate`: the stored op's), docs/SYNC-PROTOCOL.md "Op fingerprint"; absent from older servers */
  fingerprint: z.string().nullable().optional(),
})
export type PushResult = z.output<typeof pushResult>

export const pushReply = z.object({ protocol: z.literal(PROTOCOL_VERSION), results: z.array(pushResult) })
export type PushReply = z.output<typeof pushReply>

export const ledgerVerifyReply = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  first_bad_id: z.union([z.number().int(), z.string()]).nullable(),
  /** what is wrong with the first bad entry */
  reason: z.string().nullable().optional(),
  // set when the workstation verified the chain itself (ledger_page): the head it verified, the newest entry a trusted
  // key signed and that key, and when it had last verified (its anchor)
  verified_up_to: z.number().int().nullable().optional(),
  signed_up_to: z.number().int().nullable().optional(),
  signed_by: z.string().nullable().optional(),
  anchored_at: z.string().nullable().optional(),
})
export type LedgerVerifyReply = z.output<typeof ledgerVerifyReply>

const digits = z.string().regex(/^\d+$/)
const hex = z.string().regex(/^[0-9a-f]*$/)
const nullableText = z.string().nullable()
/** ledger_page(): raw entries (jsonb fields as PostgreSQL's text), their signatures, the head and the count */
export const ledgerPageReply = z.object({
  entries: z.array(
    z.object({
      id: digits,
      at: z.string(),
      client_id: z.string(),
      op_id: z.string().regex(/^-?\d+$/),
      batch_id: nullableText,
      actor: z.string(),
      role: z.string(),
      action: z.string(),
      line_id: z.string().regex(/^-?\d+$/).nullable(),
      account_id: nullableText,
      params: z.string(),
      before_state: nullableText,
      after_state: nullableText,
      sentence: nullableText,
      prev_hash: hex,
      hash: hex,
    }),
  ),
  signatures: z.array(z.object({ entry_id: digits, hash: hex, key_id: z.string(), signature: z.string(), signed_at: z.string() })),
  head: z.object({ last_id: digits, hash: hex }),
  total: z.union([z.number().int().nonnegative(), digits]),
})
export type LedgerPageReply = z.output<typeof ledgerPageReply>

/** A reply the workstation refuses; `kind` says why. Nothing was applied. */
export class ProtocolError extends Error {
  constructor(
    readonly kind: 'malformed' | 'schema' | 'protocol',
    message: string,
  ) {
    super(message)
    this.name = 'ProtocolError'
  }
}

function describeIssues(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

function preview(v: unknown): string {
  let s: string
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v)
  } catch {
    // a value JSON cannot encode (circular, BigInt): its String() form is enough for a message
    s = String(v)
  }
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 80)}…` : s
}

/** Checks the envelope's protocol and schema version before anything else, so a newer server gets a precise error. */
function checkVersions(what: string, raw: unknown, needSchema: boolean): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProtocolError('malformed', `The server sent a malformed ${what} reply (expected a JSON object, got ${preview(raw)}). Nothing was applied.`)
  }
  const r = raw as Record<string, unknown>
  if (typeof r.protocol === 'number' && r.protocol !== PROTOCOL_VERSION) {
    throw new ProtocolError('protocol', `The server speaks sync protocol ${r.protocol}, this workstation knows protocol ${PROTOCOL_VERSION}. Nothing was applied; update the app or the server.`)
  }
  if (needSchema && typeof r.schema_version === 'number' && !KNOWN_SCHEMA_VERSIONS.includes(r.schema_version)) {
    throw new ProtocolError(
      'schema',
      `The server speaks schema ${r.schema_version}, this workstation knows schema ${KNOWN_SCHEMA_VERSIONS.join(', ')}. Nothing was applied; update the app.`,
    )
  }
}

// A page holds up to 10,000 changes; checking each with the zod object costs more than the apply. The envelope goes
// through zod; each change through this hand-written check of exactly the same shape as `change` above.
const TABLE_SET = new Set<string>(SYNCED_TABLES)
function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}
function isScalarRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  for (const k in v as Record<string, unknown>) if (!isScalar((v as Record<string, unknown>)[k])) return false
  return true
}
function checkChange(c: unknown, i: number): Change {
  const fail = (why: string): never => {
    throw new ProtocolError('malformed', `The server sent a malformed sync_pull reply (changes.${i}: ${why}). Nothing was applied.`)
  }
  if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`expected an object, got ${preview(c)}`)
  const o = c as Record<string, unknown>
  if (typeof o.table !== 'string' || !TABLE_SET.has(o.table)) fail(`unknown table ${preview(o.table)}`)
  if (o.op !== 'upsert' && o.op !== 'delete') fail(`unknown op ${preview(o.op)}`)
  if (!isScalarRecord(o.pk)) fail('pk must be an object of scalars')
  const pkCols = TABLE_PKS[o.table as SyncedTable]
  for (const k of pkCols) if ((o.pk as Record<string, unknown>)[k] == null) fail(`pk of ${o.table} lacks ${k}`)
  if (o.op === 'upsert') {
    if (!isScalarRecord(o.row)) fail('row must be an object of scalars')
    for (const k of pkCols) if ((o.row as Record<string, unknown>)[k] == null) fail(`row of ${o.table} lacks ${k}`)
  }
  return o as Change
}

const pullEnvelope = pullReply.extend({ changes: z.array(z.unknown()) })

export function parsePullReply(raw: unknown): PullReply {
  checkVersions('sync_pull', raw, true)
  const env = pullEnvelope.safeParse(raw)
  if (!env.success) {
    throw new ProtocolError('malformed', `The server sent a malformed sync_pull reply (${describeIssues(env.error)}). Nothing was applied.`)
  }
  const changes = env.data.changes.map(checkChange)
  if (env.data.reset && changes.length > 0) {
    throw new ProtocolError('malformed', 'The server sent a malformed sync_pull reply (reset with changes). Nothing was applied.')
  }
  if (env.data.has_more && !env.data.cursor && !env.data.reset) {
    throw new ProtocolError('malformed', 'The server sent a malformed sync_pull reply (has_more without a cursor). Nothing was applied.')
  }
  return { ...env.data, changes }
}

export function parsePushReply(raw: unknown, sent?: PushBatch): PushReply {
  checkVersions('push_operations', raw, false)
  const r = pushReply.safeParse(raw)
  if (!r.success) {
    throw new ProtocolError('malformed', `The server sent a malformed push_operations reply (${describeIssues(r.error)}). The operations stay queued.`)
  }
  if (sent) {
    const ids = new Set(sent.ops.map((o) => o.op_id))
    const stray = r.data.results.find((x) => !ids.has(x.op_id))
    if (stray) {
      throw new ProtocolError('malformed', `The server sent a malformed push_operations reply (a result for op ${stray.op_id}, which was not sent). The operations stay queued.`)
    }
  }
  return r.data
}

export function parseLedgerPage(raw: unknown): LedgerPageReply {
  const r = ledgerPageReply.safeParse(raw)
  if (!r.success) throw new ProtocolError('malformed', `The server sent a malformed ledger_page reply (${describeIssues(r.error)}).`)
  return r.data
}

export function parseLedgerVerify(raw: unknown): LedgerVerifyReply {
  const r = ledgerVerifyReply.safeParse(raw)
  if (!r.success) throw new ProtocolError('malformed', `The server sent a malformed ledger_verify reply (${describeIssues(r.error)}).`)
  return r.data
}

// ---- bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap") ---------------------------------------------------------

export const COLUMN_KINDS = ['int', 'bool', 'bytea', 'text'] as const
export type ColumnKind = (typeof COLUMN_KINDS)[number]

const snapshotTableSchema = z.object({
  table: tableName,
  pk: z.array(z.string()).min(1),
  columns: z.array(z.object({ name: z.string().min(1), type: z.enum(COLUMN_KINDS) })).min(1),
  estimate: z.number().nonnegative(),
})
export type SnapshotTable = z.output<typeof snapshotTableSchema>

export const snapshotPlan = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  schema_version: z.number().int(),
  horizon: positionText,
  log_cursor: z.string().min(1),
  tables: z.array(snapshotTableSchema),
})
export type SnapshotPlan = z.output<typeof snapshotPlan>

/** One chunk of a table's bulk snapshot: rows in the column order asked for, values ready for SQLite. */
export interface SnapshotChunk {
  rows: unknown[][]
  /** the primary key values (in key order) of the last row of the chunk; null for an empty chunk */
  last: unknown[] | null
}

/** sync_snapshot_begin's reply: versions first, then the shape; each table's key must be the one this client knows. */
export function parseSnapshotPlan(raw: unknown): SnapshotPlan {
  checkVersions('sync_snapshot_begin', raw, true)
  const r = snapshotPlan.safeParse(raw)
  if (!r.success) {
    throw new ProtocolError('malformed', `The server sent a malformed sync_snapshot_begin reply (${describeIssues(r.error)}). Nothing was applied.`)
  }
  let prev = -1
  for (const t of r.data.tables) {
    const pk = TABLE_PKS[t.table]
    const names = new Set(t.columns.map((c) => c.name))
    if (t.pk.join(',') !== pk.join(',') || pk.some((k) => !names.has(k))) {
      throw new ProtocolError('malformed', `The server sent a malformed sync_snapshot_begin reply (${t.table}: unexpected primary key ${t.pk.join(', ')}). Nothing was applied.`)
    }
    const ord = SYNCED_TABLES.indexOf(t.table)
    if (ord <= prev) throw new ProtocolError('malformed', 'The server sent a malformed sync_snapshot_begin reply (tables out of bootstrap order). Nothing was applied.')
    prev = ord
  }
  return r.data
}

/** base64 → bytes without Node's Buffer (this module is shared with the renderer); SQLite stores a Uint8Array as a blob. */
function fromBase64(v: string): Uint8Array {
  const bin = atob(v)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Turns a JSON value of a bulk row into what the local store keeps (booleans as 0/1, bytea from base64). */
function jsonValue(v: unknown, kind: ColumnKind): unknown {
  if (v === null) return null
  switch (kind) {
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return v
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v)
      break
    case 'bool':
      if (typeof v === 'boolean') return v ? 1 : 0
      break
    case 'bytea':
      if (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v)) return fromBase64(v)
      break
    case 'text':
      if (typeof v === 'string') return v
      break
  }
  throw new Error(`expected ${kind}, got ${preview(v)}`)
}

/**
 * sync_snapshot_chunk's reply for `table`, asked for `columns` (a subset of the plan's, in that order): every row is an
 * array of exactly the server's columns, keys present and increasing past `after`, `last` the key of the last row.
 * Any defect refuses the whole chunk (nothing of it is applied).
 */
export function parseSnapshotChunk(
  raw: unknown,
  table: SnapshotTable,
  columns: readonly string[],
  after: readonly unknown[] | null,
): SnapshotChunk & { done: boolean } {
  const fail = (why: string): never => {
    throw new ProtocolError('malformed', `The server sent a malformed sync_snapshot_chunk reply for ${table.table} (${why}). Nothing of it was applied.`)
  }
  checkVersions('sync_snapshot_chunk', raw, true)
  const o = raw as Record<string, unknown>
  if (o.table !== table.table) fail(`table ${preview(o.table)}`)
  if (!Array.isArray(o.columns) || o.columns.some((c) => typeof c !== 'string')) fail('columns must be a list of names')
  if (!Array.isArray(o.rows)) fail('rows must be a list')
  if (typeof o.done !== 'boolean') fail('done must be a boolean')
  const sent = o.columns as string[]
  const kinds = new Map(table.columns.map((c) => [c.name, c.type]))
  const idx = columns.map((c) => {
    const i = sent.indexOf(c)
    if (i < 0) fail(`column ${c} missing`)
    return i
  })
  const kindOf = columns.map((c) => kinds.get(c) ?? 'text')
  const pkPos = table.pk.map((k) => columns.indexOf(k))
  const rows: unknown[][] = []
  const src = o.rows as unknown[]
  let prev: unknown[] | null = after ? [...after] : null
  for (let r = 0; r < src.length; r++) {
    const row = src[r]
    if (!Array.isArray(row) || row.length !== sent.length) fail(`rows.${r}: expected ${sent.length} values`)
    const out = new Array<unknown>(columns.length)
    for (let i = 0; i < columns.length; i++) {
      try {
        out[i] = jsonValue((row as unknown[])[idx[i]], kindOf[i])
      } catch (e) {
        fail(`rows.${r}.${columns[i]}: ${(e as Error).message}`)
      }
    }
    const key = pkPos.map((p) => out[p])
    if (key.some((v) => v === null)) fail(`rows.${r}: primary key missing`)
    if (prev && !follows(key, prev)) fail(`rows.${r}: primary key not increasing`)
    prev = key
    rows.push(out)
  }
  const last = rows.length ? pkPos.map((p) => rows[rows.length - 1][p]) : null
  if (rows.length && (o.last === null || typeof o.last !== 'object' || table.pk.some((k, i) => String((o.last as Record<string, unknown>)[k]) !== String(last![i])))) {
    fail('last does not match the last row')
  }
  return { rows, last, done: o.done as boolean }
}

/**
 * Whether key `a` may follow key `b` in the server's keyset order: compared part by part, numbers numerically; a text
 * part only has to differ (its order is the server's collation, which this side does not know).
 */
function follows(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) return x > y
    return true
  }
  return false
}
