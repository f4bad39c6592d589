// An independent verifier of the central ledger's hash chain (db/central/migrations/*_ledger*.sql). It reads the raw
// entries (jsonb fields as PostgreSQL's canonical text), rebuilds each canonical payload itself, hashes it with Node's
// crypto and checks every link and the chain head. It trusts neither the stored hashes nor ledger_verify().
//
// Canonical payload = PostgreSQL's jsonb text of the array
//   [id, at, client_id, op_id, batch_id, actor, role, action, line_id, account_id, params, before_state, after_state,
//    sentence]
// i.e. "[" + fields joined by ", " + "]", strings JSON-escaped, integers as digits, null as null, jsonb verbatim.
// hash = sha256(prev_hash || utf8(payload)); the first prev_hash is 32 zero bytes.
//
// Issue 11, attack 2 (the database owner rewrites an entry, recomputes the chain and moves the head): the chain alone
// cannot catch that, so the verifier also checks what the database cannot forge:
// - signatures (ledger_signatures) over (entry_id, hash) by Ed25519 keys the database never holds, against the public
//   keys the caller trusts: each must be valid and its entry must still have the signed hash;
// - an anchor kept outside the database (the workstation's last verified head): the chain must extend it.
// The first bad entry in id order is reported with what is wrong.
import { createHash } from 'node:crypto'
import type { SqlClient } from './client'
import { signatureValid, signHead, type LedgerKey, type LedgerSigningKey } from './ledger-keys'

export { generateLedgerKey, ledgerKeyFromPrivatePem, parseLedgerKeys, signHeadMessage, type LedgerKey, type LedgerSigningKey } from './ledger-keys'

export interface LedgerVerifyResult {
  ok: boolean
  entries: number
  first_bad_id: number | null
  reason: string | null
}

/** The last head a verifier saw verified (kept outside the database), and the last entry a trusted key had signed. */
export interface LedgerAnchor {
  id: number
  hash: string // hex
  at: string // ISO time of that verification
  signedId?: number | null
  signedBy?: string | null
}

export interface LedgerCheck extends LedgerVerifyResult {
  /** the last entry verified (the head), and its hash */
  verified_up_to: number
  head_hash: string
  /** the newest entry with a valid signature by a trusted key, and that key's id */
  signed_up_to: number | null
  signed_by: string | null
}

export interface RawEntry {
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

export interface RawSignature {
  entry_id: string
  hash: string // hex
  key_id: string
  signature: string // base64
  signed_at: string
}

/** One page of the raw ledger (SQL ledger_page()): entries after an id, their signatures, the head, the count. */
export interface LedgerPage {
  entries: RawEntry[]
  signatures: RawSignature[]
  head: { last_id: string; hash: string }
  total: number | string
}

export type LedgerPageSource = (after: string, limit: number) => Promise<LedgerPage>

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

function day(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

interface CheckState {
  keys: Map<string, LedgerKey>
  anchor: LedgerAnchor | null
  entries: number
  expectedId: bigint
  prev: string
  signedId: number | null
  signedBy: string | null
  /** the hash of each entry that carries a signature (or the anchor), by id */
  hashes: Map<string, string>
}

/** The first problem with one entry's link, contents or anchor; null when it verifies. */
function entryProblem(s: CheckState, e: RawEntry): string | null {
  if (BigInt(e.id) !== s.expectedId) return 'gap: entries missing before this id'
  if (e.prev_hash !== s.prev) return 'hash mismatch: prev_hash does not match the previous entry'
  if (entryHash(e.prev_hash, canonicalPayload(e)) !== e.hash) return "hash mismatch: the hash does not match the entry's contents"
  const a = s.anchor
  if (a && String(a.id) === e.id && a.hash !== e.hash) {
    return `does not extend anchor: entry ${e.id} changed since this workstation verified it on ${day(a.at)}`
  }
  return null
}

/** The first problem with one signature (signatures of untrusted keys are ignored); null when it holds. */
function signatureProblem(s: CheckState, sig: RawSignature, currentHash: string | undefined): string | null {
  const key = s.keys.get(sig.key_id)
  if (!key) return null
  if (!signatureValid(key, sig.entry_id, sig.hash, sig.signature)) {
    return `signature invalid: the signature of entry ${sig.entry_id} by ${sig.key_id} does not verify`
  }
  if (currentHash === undefined) {
    return `cut-off tail: entry ${sig.entry_id} was signed by ${sig.key_id} on ${day(sig.signed_at)} but is gone`
  }
  if (currentHash !== sig.hash) {
    return `signed hash differs: entry ${sig.entry_id} changed after ${sig.key_id} signed it on ${day(sig.signed_at)}`
  }
  if (s.signedId === null || Number(sig.entry_id) >= s.signedId) {
    s.signedId = Number(sig.entry_id)
    s.signedBy = sig.key_id
  }
  return null
}

/**
 * Verifies the chain read page by page from `source`: every link and hash recomputed, the head, the signatures of the
 * trusted `keys`, and the `anchor` (the chain must still have its hash at its id and reach at least that far, and a
 * signature the anchor saw must still be there). Reports the first bad entry with what is wrong.
 */
export async function verifyLedgerPages(
  source: LedgerPageSource,
  opts: { keys?: readonly LedgerKey[]; anchor?: LedgerAnchor | null; pageSize?: number } = {},
): Promise<LedgerCheck> {
  const pageSize = opts.pageSize ?? 5000
  const s: CheckState = {
    keys: new Map((opts.keys ?? []).map((k) => [k.id, k])),
    anchor: opts.anchor ?? null,
    entries: 0,
    expectedId: 1n,
    prev: GENESIS,
    signedId: null,
    signedBy: null,
    hashes: new Map(),
  }
  const done = (bad: { id: bigint | number; reason: string } | null): LedgerCheck => ({
    ok: bad === null,
    entries: s.entries,
    first_bad_id: bad === null ? null : Number(bad.id),
    reason: bad?.reason ?? null,
    verified_up_to: Number(s.expectedId - 1n),
    head_hash: s.prev,
    signed_up_to: s.signedId,
    signed_by: s.signedBy,
  })
  let after = '0'
  let head: LedgerPage['head'] | undefined
  for (;;) {
    const page = await source(after, pageSize)
    s.entries = Number(page.total)
    head = page.head
    const sigsById = new Map<string, RawSignature[]>()
    for (const sig of page.signatures) sigsById.set(sig.entry_id, [...(sigsById.get(sig.entry_id) ?? []), sig])
    for (const e of page.entries) {
      const problem = entryProblem(s, e)
      if (problem) return done({ id: BigInt(e.id), reason: problem })
      for (const sig of sigsById.get(e.id) ?? []) {
        const p = signatureProblem(s, sig, e.hash)
        if (p) return done({ id: BigInt(e.id), reason: p })
      }
      sigsById.delete(e.id)
      s.prev = e.hash
      s.expectedId = BigInt(e.id) + 1n
    }
    const last = page.entries.length < pageSize
    if (last) {
      // signatures of entries that are not there (past the end: a cut-off tail)
      const orphans = [...sigsById.values()].flat().sort((x, y) => Number(BigInt(x.entry_id) - BigInt(y.entry_id)))
      for (const sig of orphans) {
        const p = signatureProblem(s, sig, undefined)
        if (p) return done({ id: s.expectedId, reason: p })
      }
      break
    }
    after = page.entries[page.entries.length - 1].id
  }
  const end = s.expectedId - 1n
  if (!head || BigInt(head.last_id) !== end || head.hash !== s.prev) {
    return done({ id: s.expectedId, reason: `cut-off tail: the chain head is at entry ${head?.last_id ?? '?'} but the ledger ends at ${end}` })
  }
  const a = s.anchor
  if (a && BigInt(a.id) > end) {
    return done({ id: s.expectedId, reason: `does not extend anchor: the ledger ends at entry ${end} but this workstation verified it up to entry ${a.id} on ${day(a.at)}` })
  }
  if (a?.signedId && a.signedBy && s.keys.has(a.signedBy) && (s.signedId === null || s.signedId < a.signedId)) {
    return done({ id: a.signedId, reason: `signature removed: entry ${a.signedId} was signed by ${a.signedBy} when this workstation verified it on ${day(a.at)}, and that signature is gone` })
  }
  return done(null)
}

/** ledger_page() as a page source over a SQL connection (the owner, a superuser, service_role or an auditing role). */
export function sqlLedgerPages(client: SqlClient): LedgerPageSource {
  return async (after, limit) => {
    const { rows } = await client.query<{ r: string }>('SELECT ledger_page($1::bigint, $2::int)::text AS r', [after, limit])
    return JSON.parse(rows[0].r) as LedgerPage
  }
}

/** Recomputes the whole chain (through ledger_page()), paging by id, and checks the signatures of the trusted keys and the anchor. The client
 *  needs to be allowed to audit the ledger (owner, superuser, service_role, operator/admin/finance/analyst claims). */
export async function checkLedger(
  client: SqlClient,
  opts: { pageSize?: number; keys?: readonly LedgerKey[]; anchor?: LedgerAnchor | null } = {},
): Promise<LedgerCheck> {
  return verifyLedgerPages(sqlLedgerPages(client), opts)
}

/** checkLedger's verdict alone: {ok, entries, first_bad_id, reason}. */
export async function verifyLedger(
  client: SqlClient,
  opts: { pageSize?: number; keys?: readonly LedgerKey[]; anchor?: LedgerAnchor | null } = {},
): Promise<LedgerVerifyResult> {
  const r = await checkLedger(client, opts)
  return { ok: r.ok, entries: r.entries, first_bad_id: r.first_bad_id, reason: r.reason }
}

export interface SignResult {
  /** the entry signed (null: the ledger is empty) */
  entry_id: number | null
  hash: string | null
  key_id: string
  /** false when this key had signed that entry already */
  signed: boolean
}

/**
 * Signs the ledger's head with `key` (the job worker on a schedule, `central ledger sign`, the sandbox after a push).
 * First verifies the whole chain and every earlier signature of this key, so the signer never vouches for a chain
 * that was rewritten under an earlier signature of its own. The client must be allowed to insert into
 * ledger_signatures (service_role, the migration user, a superuser).
 */
export async function signLedgerHead(client: SqlClient, key: LedgerSigningKey): Promise<SignResult> {
  const check = await checkLedger(client, { keys: [key] })
  if (!check.ok) {
    throw new Error(`refusing to sign: the ledger does not verify at entry ${check.first_bad_id}: ${check.reason}`)
  }
  if (check.verified_up_to === 0) return { entry_id: null, hash: null, key_id: key.id, signed: false }
  const id = String(check.verified_up_to)
  const signature = signHead(key, id, check.head_hash)
  const { rows } = await client.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO ledger_signatures (entry_id, hash, key_id, signature)
       VALUES ($1::bigint, decode($2, 'hex'), $3, decode($4, 'base64'))
       ON CONFLICT (entry_id, key_id) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [id, check.head_hash, key.id, signature],
  )
  return { entry_id: check.verified_up_to, hash: check.head_hash, key_id: key.id, signed: rows[0].n === 1 }
}
