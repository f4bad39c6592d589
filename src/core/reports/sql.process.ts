// The SQL runner's child process: opens the workspace file read-only and runs one user statement at a time.
// It is a process, not a worker thread, because a runaway statement (a recursive CTE under an aggregate) spins inside
// SQLite's native code: worker.terminate() cannot interrupt native code, while killing a process always works.
// Deliberately small (the store's openSqlite, node builtins and the entries table only) so it starts fast and runs
// under tsx, vitest and a bundle alike.
import type Database from 'better-sqlite3'
import { isEntryProcess } from '../runtime'
import { openSqlite } from '../store'

export interface RunRequest {
  id: number
  dbPath: string
  /** the store key (cipher.ts): a child process does not inherit it */
  key: string | null
  sql: string
  maxRows: number
  /** the most result bytes (as JSON) kept; at the cap the statement stops */
  maxBytes: number
}

export type RunReply =
  | {
      id: number
      ok: true
      columns: Array<{ name: string; type: string | null }>
      rows: unknown[][]
      rowCount: number
      elapsedMs: number
      /** set when the byte cap stopped the statement: rowCount is then the rows read, not the statement's total */
      truncatedBy?: 'bytes'
    }
  | { id: number; ok: false; reason: 'refused' | 'malformed' | 'error'; message: string }

const ALLOWED_PRAGMAS = new Set(['table_info', 'table_xinfo', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list', 'table_list'])

/** Strips leading whitespace and comments, to see the statement's first keyword. */
function leading(sql: string): string {
  let s = sql
  for (;;) {
    const t = s.replace(/^\s+/, '')
    if (t.startsWith('--')) {
      const nl = t.indexOf('\n')
      s = nl < 0 ? '' : t.slice(nl + 1)
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/')
      s = end < 0 ? '' : t.slice(end + 2)
    } else return t
  }
}

/** Returns why a statement is refused, or null. Run on the prepared statement before it steps even once. */
export function refusal(sql: string, stmt: { readonly: boolean; reader: boolean }): string | null {
  const head = leading(sql)
  const word = (/^[A-Za-z]+/.exec(head)?.[0] ?? '').toUpperCase()
  if (!stmt.readonly) return 'the SQL runner is read-only: this statement would write to the workspace, so it was not run'
  if (word === 'PRAGMA') {
    const m = /^pragma\s+(?:main\.)?([a-z_]+)\s*(\(\s*['"]?[\w.]+['"]?\s*\))?\s*;?\s*$/i.exec(head)
    if (!m || !ALLOWED_PRAGMAS.has(m[1].toLowerCase())) return `only schema pragmas are allowed here (${[...ALLOWED_PRAGMAS].join(', ')})`
    return null
  }
  if (!['SELECT', 'WITH', 'VALUES', 'EXPLAIN'].includes(word)) return `only SELECT, WITH, VALUES, EXPLAIN and schema PRAGMA statements run here (got ${word || 'nothing'})`
  if (!stmt.reader) return 'this statement returns no rows'
  return null
}

function cell(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 64).toString('hex')}${v.length > 64 ? '…' : ''}' (${v.length} bytes)`
  return v
}

/** About what a cell costs as JSON (quotes and separator included), without serialising it. */
function cellBytes(v: unknown): number {
  if (v === null || v === undefined) return 5
  if (typeof v === 'string') return Buffer.byteLength(v) + 3
  return String(v).length + 1
}

/**
 * The row as it fits in `budget` bytes: whole, or (a lone row wider than the whole cap, one huge text) with the start
 * of each long text kept so the user sees what it was; null when nothing of it fits.
 */
function fit(row: unknown[], budget: number): { row: unknown[]; size: number; cut: boolean } | null {
  const size = row.reduce<number>((n, v) => n + cellBytes(v), 2)
  if (size <= budget) return { row, size, cut: false }
  const share = Math.floor(budget / Math.max(1, row.length)) - 8
  if (share < 16) return null
  const cut = row.map((v) => (typeof v === 'string' && cellBytes(v) > share ? `${v.slice(0, share)}…` : v))
  return { row: cut, size: cut.reduce<number>((n, v) => n + cellBytes(v), 2), cut: true }
}

const dbs = new Map<string, Database.Database>()

function open(path: string, key: string | null): Database.Database {
  let db = dbs.get(path)
  if (!db) {
    db = openSqlite(path, { readonly: true, key })
    db.pragma('query_only = ON')
    db.pragma('cache_size = -65536')
    dbs.set(path, db)
  }
  return db
}

export function run(req: RunRequest): RunReply {
  let db: Database.Database
  try {
    db = open(req.dbPath, req.key ?? null)
  } catch (e) {
    return { id: req.id, ok: false, reason: 'error', message: `cannot open the workspace read-only: ${(e as Error).message}` }
  }
  let stmt: Database.Statement
  try {
    stmt = db.prepare(req.sql)
  } catch (e) {
    const msg = (e as Error).message
    return { id: req.id, ok: false, reason: 'malformed', message: /more than one statement/i.test(msg) ? 'run one statement at a time (the SQL holds more than one)' : `the SQL does not parse: ${msg}` }
  }
  const why = refusal(req.sql, stmt)
  if (why) return { id: req.id, ok: false, reason: 'refused', message: why }
  const t0 = performance.now()
  try {
    stmt.raw(true)
    const columns = stmt.columns().map((c) => ({ name: c.name, type: c.type }))
    const rows: unknown[][] = []
    let rowCount = 0
    let bytes = 0
    // Past the row cap rows are counted, not kept: the true count costs one pass and no memory. Past the byte cap the
    // statement stops: leaving the loop ends it, so a wide query holds no more than the cap in this process or its parent.
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      if (rowCount < req.maxRows) {
        // a later row must fit whole; only the first may be cut (else the result would be empty)
        const kept = fit(row.map(cell), rows.length === 0 ? req.maxBytes : req.maxBytes - bytes)
        if (kept && (rows.length === 0 || !kept.cut)) {
          rows.push(kept.row)
          bytes += kept.size
        }
        if (!kept || kept.cut) return { id: req.id, ok: true, columns, rows, rowCount: rows.length, elapsedMs: performance.now() - t0, truncatedBy: 'bytes' }
      }
      rowCount++
    }
    return { id: req.id, ok: true, columns, rows, rowCount, elapsedMs: performance.now() - t0 }
  } catch (e) {
    return { id: req.id, ok: false, reason: 'error', message: (e as Error).message }
  }
}

if (isEntryProcess('sql-process') && process.send) {
  process.on('message', (req: RunRequest) => process.send?.(run(req)))
  process.on('disconnect', () => process.exit(0))
}
