// Test support: whole-table checksums of the synced tables, computed the same way from the central database (row
// images as the log would carry them) and from the local SQLite store, so "the replica equals the server" is one
// equality. Also a helper that queues ops in the local outbox the way the console does.
import { createHash } from 'node:crypto'
import type { Db } from '../../store'
import { LINE_ACCOUNT_COLUMNS, SYNCED_TABLES, TABLE_PKS } from '../../../shared/sync/protocol'
import type { TestCentral } from './test-central'

export interface TableSum {
  rows: number
  sha256: string
}

function normalize(row: Record<string, unknown>, drop: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(row).sort()) {
    if (drop.includes(k)) continue
    let v = row[k]
    if (v === true) v = 1
    else if (v === false) v = 0
    else if (Buffer.isBuffer(v)) v = v.toString('base64')
    else if (typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'zip' && k !== 'msisdn' && k !== 'iccid' && k !== 'imei' && k !== 'code') v = Number(v)
    out[k] = v
  }
  return out
}

function sum(table: string, rows: Array<Record<string, unknown>>): TableSum {
  const pk = TABLE_PKS[table as keyof typeof TABLE_PKS]
  const keyed = rows.map((r) => ({ k: JSON.stringify(pk.map((c) => r[c])), j: JSON.stringify(r) }))
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  const h = createHash('sha256')
  for (const r of keyed) h.update(r.j).update('\n')
  return { rows: rows.length, sha256: h.digest('hex') }
}

export async function centralChecksums(c: TestCentral): Promise<Record<string, TableSum>> {
  const out: Record<string, TableSum> = {}
  for (const t of SYNCED_TABLES) {
    const rows = await c.sql<{ j: Record<string, unknown> }>(`SELECT sync_image('${t}', to_jsonb(t)) AS j FROM ${t} t`)
    out[t] = sum(
      t,
      rows.map((r) => normalize(typeof r.j === 'string' ? (JSON.parse(r.j) as Record<string, unknown>) : r.j)),
    )
  }
  return out
}

export function localChecksums(db: Db): Record<string, TableSum> {
  const out: Record<string, TableSum> = {}
  for (const t of SYNCED_TABLES) {
    const rows = db.prepare(`SELECT * FROM ${t}`).all() as Array<Record<string, unknown>>
    out[t] = sum(
      t,
      rows.map((r) => normalize(r, t === 'lines' ? Object.keys(LINE_ACCOUNT_COLUMNS) : [])),
    )
  }
  return out
}

/** Queues ops like the console does: one op_batches row, one operations row per op, base_version from the replica. */
export function insertLocalOps(db: Db, ops: Array<{ line: number; action: string; params: Record<string, unknown> }>, batchId = 'b-test'): number[] {
  const now = new Date().toISOString()
  db.prepare(
    `INSERT INTO op_batches (id, created_at, actor, role, kind, sentence, command, canonical, parser, matched, blocked)
     VALUES (?, ?, 'tester', 'operator', 'commit', 'test sentence', '{}', 'test', 'canonical', ?, 0) ON CONFLICT(id) DO NOTHING`,
  ).run(batchId, now, ops.length)
  const ver = db.prepare('SELECT row_version FROM lines WHERE id = ?')
  const ins = db.prepare(
    `INSERT INTO operations (batch_id, line_id, action, params, base_version, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
  )
  const seqs: number[] = []
  db.transaction(() => {
    for (const o of ops) {
      const v = (ver.get(o.line) as { row_version: number } | undefined)?.row_version ?? 1
      seqs.push(Number(ins.run(batchId, o.line, o.action, JSON.stringify(o.params), v, now).lastInsertRowid))
    }
  })()
  return seqs
}

/** Runs `sql` in one transaction on the central database and returns that transaction's xid. */
export async function writeXid(c: TestCentral, sql: string): Promise<string> {
  return c.client.transaction(async (tx) => {
    if (sql) await tx.exec(sql)
    return (await tx.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x
  })
}

/**
 * Pulls until the horizon has passed `xid`: then every transaction up to it has been delivered. On a shared server
 * another session's long transaction holds the horizon back (by design: it is never skipped), so a single pull right
 * after a write may not show it yet.
 */
export async function pullPast(pull: () => Promise<{ horizon: string | null }>, xid: string, maxTries = 3000): Promise<void> {
  for (let i = 0; i < maxTries; i++) {
    const r = await pull()
    if (r.horizon !== null && BigInt(r.horizon) > BigInt(xid)) return
    await new Promise((res) => setTimeout(res, 50))
  }
  throw new Error(`the horizon never passed xid ${xid}`)
}
