// An independent verifier of the central ledger's hash chain (db/central/migrations/*_ledger.sql). It reads the raw
// entries (jsonb fields as PostgreSQL's canonical text), rebuilds each canonical payload itself, hashes it with Node's
// crypto and checks every link and the chain head. It trusts neither the stored hashes nor ledger_verify().
//
// Canonical payload = PostgreSQL's jsonb text of the array
//   [id, at, client_id, op_id, batch_id, actor, role, action, line_id, account_id, params, before_state, after_state,
//    sentence]
// i.e. "[" + fields joined by ", " + "]", strings JSON-escaped, integers as digits, null as null, jsonb verbatim.
// hash = sha256(prev_hash || utf8(payload)); the first prev_hash is 32 zero bytes.
import { createHash } from 'node:crypto'
import type { SqlClient } from './client'

export interface LedgerVerifyResult {
  ok: boolean
  entries: number
  first_bad_id: number | null
  reason: string | null
}

interface RawEntry {
  id: string
  at: string
  client_id: string
  op_id: string
  batch_id: string | null
  actor: string
  role: string
  action: string
  line_id: string | null
  account_id: string | null
  params: string
  before_state: string | null
  after_state: string | null
  sentence: string | null
  prev_hash: string // hex
  hash: string // hex
}

const GENESIS = '00'.repeat(32)

function str(v: string | null): string {
  return v === null ? 'null' : JSON.stringify(v)
}
function int(v: string | null): string {
  if (v === null) return 'null'
  if (!/^-?\d+$/.test(v)) throw new Error(`ledger: not an integer: ${v}`)
  return v
}
function raw(v: string | null): string {
  return v === null ? 'null' : v
}

export function canonicalPayload(e: RawEntry): string {
  return `[${[
    int(e.id),
    str(e.at),
    str(e.client_id),
    int(e.op_id),
    str(e.batch_id),
    str(e.actor),
    str(e.role),
    str(e.action),
    int(e.line_id),
    str(e.account_id),
    raw(e.params),
    raw(e.before_state),
    raw(e.after_state),
    str(e.sentence),
  ].join(', ')}]`
}

export function entryHash(prevHex: string, payload: string): string {
  return createHash('sha256').update(Buffer.from(prevHex, 'hex')).update(payload, 'utf8').digest('hex')
}

/** Recomputes the whole chain, paging by id. The client needs read access to ledger and ledger_head (owner,
 *  service_role). */
export async function verifyLedger(client: SqlClient, opts: { pageSize?: number } = {}): Promise<LedgerVerifyResult> {
  const pageSize = opts.pageSize ?? 10_000
  let after = '0'
  let expectedId = 1n
  let prev = GENESIS
  const total = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger')
  const entries = Number(total.rows[0].n)
  for (;;) {
    const { rows } = await client.query<RawEntry>(
      `SELECT l.id::text AS id, l.at, l.client_id, l.op_id::text AS op_id, l.batch_id, l.actor, l.role, l.action,
              l.line_id::text AS line_id, l.account_id, l.params::text AS params, l.before_state::text AS before_state,
              l.after_state::text AS after_state, l.sentence,
              encode(l.prev_hash, 'hex') AS prev_hash, encode(l.hash, 'hex') AS hash
       FROM ledger l WHERE l.id > $1::bigint ORDER BY l.id LIMIT $2`,
      [after, pageSize],
    )
    for (const e of rows) {
      const id = BigInt(e.id)
      const bad = (reason: string): LedgerVerifyResult => ({ ok: false, entries, first_bad_id: Number(id), reason })
      if (id !== expectedId) return bad('entries missing before this id')
      if (e.prev_hash !== prev) return bad('prev_hash does not match the previous entry')
      if (entryHash(e.prev_hash, canonicalPayload(e)) !== e.hash) return bad("hash does not match the entry's contents")
      prev = e.hash
      expectedId = id + 1n
    }
    if (rows.length < pageSize) break
    after = rows[rows.length - 1].id
  }
  const head = await client.query<{ last_id: string; hash: string }>(
    `SELECT last_id::text, encode(hash, 'hex') AS hash FROM ledger_head`,
  )
  const h = head.rows[0]
  if (!h || BigInt(h.last_id) !== expectedId - 1n || h.hash !== prev) {
    return {
      ok: false,
      entries,
      first_bad_id: Number(expectedId),
      reason: `the chain head is at entry ${h?.last_id ?? '?'} but the ledger ends at ${expectedId - 1n}`,
    }
  }
  return { ok: true, entries, first_bad_id: null, reason: null }
}
