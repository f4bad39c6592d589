// The Supabase remote against the loopback GoTrue (src/adapters/supabase-auth/fake/server.ts: HS256 JWTs with the
// claims GoTrue puts in them, refresh tokens that rotate) with PostgREST beside it: POST /rest/v1/rpc/<fn> verifies
// the bearer JWT (bad signature or expired:
// 401, as PostgREST answers) and runs any public function of a real central test database (PGlite or
// TEST_DATABASE_URL) with the named arguments, after SET LOCAL ROLE <claims.role> and request.jwt.claims, as PostgREST
// does. The bulk snapshot RPCs are served like the rest, so the Supabase bootstrap runs its production path. The JWT
// clock is the stand-in's own: a test expires a session by moving it forward.
import { mkdtempSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGoTrue, send, type FakeGoTrue } from '../../../adapters/supabase-auth/testing'
import { fromPgPool, type SqlClient } from '../../../central/client'
import { generateLedgerKey, signLedgerHead } from '../../../central/ledger'
import { asRole } from '../../../central/test-db'
import { openDatabase, type Db } from '../../store'
import { clientIdOf, SyncEngine } from '../engine'
import { RemoteError } from '../errors'
import { Outbox } from '../push/outbox'
import { claimsFor, type Session } from './remote'
import { SupabaseRemote } from './supabase'
import { createTestCentral, seedSmall, type TestCentral } from '../testing/test-central'
import { centralChecksums, insertLocalOps, localChecksums } from '../testing/test-checksums'

const USERS = [
  { email: 'op@wingtel.example', password: 'secret', id: claimsFor('operator').sub, role: 'operator' },
  { email: 'analyst@wingtel.example', password: 'secret', id: claimsFor('analyst').sub, role: 'analyst' },
]

interface Mode {
  /** what /rest/v1/rpc/* answers instead of the real RPC ('older-server': no bulk snapshot functions) */
  rpc: 'real' | 'garbage' | 'schema2' | '503' | 'older-server'
}

let c: TestCentral
let base: string
/** where the RPCs run: a pool on the real PostgreSQL (PostgREST's connections), else the PGlite instance */
let rpcDb: SqlClient
let pool: pg.Pool | null = null
let gotrue: FakeGoTrue
const mode: Mode = { rpc: 'real' }
const session = (email: string) => gotrue.issueSession(email)

/** PostgREST's HTTP status for a PostgreSQL error (its pgErrorStatus, the cases these functions can raise). */
function httpStatusOf(sqlstate: string): number {
  if (sqlstate === '42501') return 403
  if (sqlstate === '42883' || sqlstate === '42P01') return 404
  if (sqlstate === '23503' || sqlstate === '23505') return 409
  if (/^(08|53)/.test(sqlstate)) return 503
  if (sqlstate === 'P0001') return 400
  if (/^(09|25|2D|38|39|3B|40|55|57|58|F0|HV|P0|XX)/.test(sqlstate)) return 500
  return 400
}

/** POST /rest/v1/rpc/<fn> as PostgREST serves it: named arguments, the caller's role and claims, one transaction. */
async function callRpc(fn: string, args: Record<string, unknown>, claims: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const notFound = { status: 404, body: { code: 'PGRST202', details: null, hint: null, message: `Could not find the function public.${fn}(${Object.keys(args).join(', ')}) in the schema cache` } }
  const overloads = (
    await rpcDb.query<{ names: string[] | null; types: string[] }>(
      `SELECT to_json(p.proargnames) AS names, to_json(ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t)) AS types
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname = $1`,
      [fn],
    )
  ).rows
  const sig = overloads.find((o) => Object.keys(args).every((k) => (o.names ?? []).slice(0, o.types.length).includes(k)))
  if (!sig) return notFound
  const names = (sig.names ?? []).slice(0, sig.types.length)
  const given = names.map((n, i) => ({ n, type: sig.types[i] })).filter((a) => a.n in args)
  const params = given.map(({ n, type }) => {
    const v = args[n]
    if (v === null || v === undefined) return null
    return /^jsonb?$/.test(type) || typeof v === 'object' ? JSON.stringify(v) : v
  })
  const call = `SELECT to_json(public.${fn}(${given.map((a, i) => `${a.n} := $${i + 1}::${a.type}`).join(', ')}))::text AS r`
  try {
    const text = await rpcDb.transaction(async (tx) => {
      await tx.exec(`SET LOCAL ROLE ${JSON.stringify(String(claims.role))}`)
      await tx.query("SELECT set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)])
      return (await tx.query<{ r: string | null }>(call, params)).rows[0]?.r ?? null
    })
    return { status: 200, body: text === null ? null : JSON.parse(text) }
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string; hint?: string }
    const code = err.code ?? 'XX000'
    return { status: httpStatusOf(code), body: { code, details: err.detail ?? null, hint: err.hint ?? null, message: err.message } }
  }
}

/** PostgREST beside the fake GoTrue: /rest/v1/rpc/<fn> with the bearer JWT that GoTrue signed. */
async function postgrest(req: IncomingMessage, res: ServerResponse, url: URL, input: unknown): Promise<void> {
  if (url.pathname.startsWith('/rest/v1/rpc/')) {
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('Bearer ')) return send(res, 401, { code: 'PGRST302', details: null, hint: null, message: 'Anonymous access is disabled' })
    const jwt = gotrue.verifyJwt(auth.slice('Bearer '.length))
    if ('refusal' in jwt) return send(res, 401, { code: 'PGRST301', details: null, hint: null, message: jwt.refusal })
    if (mode.rpc === '503') return send(res, 503, { message: 'upstream down' })
    if (mode.rpc === 'garbage') return send(res, 200, '<html>502 Bad Gateway</html>', true)
    const fn = url.pathname.slice('/rest/v1/rpc/'.length)
    if (mode.rpc === 'older-server' && fn.startsWith('sync_snapshot_')) {
      return send(res, 404, { code: 'PGRST202', details: null, hint: null, message: `Could not find the function public.${fn} in the schema cache` })
    }
    const out = await callRpc(fn, (input ?? {}) as Record<string, unknown>, jwt.claims)
    if (fn === 'sync_pull' && mode.rpc === 'schema2' && out.status === 200) return send(res, 200, { ...(out.body as object), schema_version: 2 })
    return send(res, out.status, out.body)
  }
  send(res, 404, { message: 'not found' })
}

let dir: string
let db: Db
beforeAll(async () => {
  c = await createTestCentral()
  await seedSmall(c, 20, 2)
  if (c.url) {
    pool = new pg.Pool({ connectionString: c.url, max: 4 })
    rpcDb = fromPgPool(pool)
  } else rpcDb = c.client
  gotrue = await startFakeGoTrue({ users: USERS, fallback: postgrest })
  base = gotrue.url
}, 120_000)
afterAll(async () => {
  await gotrue?.close()
  await pool?.end()
  await c?.close()
})
beforeEach(() => {
  mode.rpc = 'real'
  gotrue.refreshOk = true
  gotrue.calls.length = 0
  dir = mkdtempSync(join(tmpdir(), 'wt-supa-'))
  db = openDatabase(join(dir, 'ws.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

async function signedIn(email = 'op@wingtel.example'): Promise<{ engine: SyncEngine; remote: SupabaseRemote; sessions: Array<Session | null> }> {
  const sessions: Array<Session | null> = []
  const remote = new SupabaseRemote(base, 'anon-key-for-tests', null, (s) => sessions.push(s))
  const engine = await SyncEngine.open({ dbPath: 'x', db, remote: { kind: 'supabase', url: base, anonKey: 'k', session: null }, remoteImpl: remote })
  await engine.signIn(email, 'secret')
  return { engine, remote, sessions }
}

describe('Supabase remote (local GoTrue/PostgREST stand-in)', () => {
  it('signs in with email/password, pulls through rpc(sync_pull) and pushes through rpc(push_operations)', async () => {
    // a server without the bulk snapshot functions: the bootstrap falls back to sync_pull's JSON snapshot
    mode.rpc = 'older-server'
    const { engine, sessions } = await signedIn()
    expect(sessions[0]?.email).toBe('op@wingtel.example')
    const r = await engine.pull({ limit: 25 })
    expect(r.bootstrapped).toBe(true)
    expect(localChecksums(db)).toEqual(await centralChecksums(c))
    expect(gotrue.calls.filter((x) => x === 'POST /rest/v1/rpc/sync_pull').length).toBe(r.pages)
    expect(gotrue.calls).toContain('POST /rest/v1/rpc/sync_snapshot_begin')
    insertLocalOps(db, [{ line: 101, action: 'tag', params: { tag: 'supa' } }])
    const p = await engine.push()
    expect(p.applied).toBe(1)
    await engine.close()
  })

  it('refuses wrong credentials with a clear error', async () => {
    const remote = new SupabaseRemote(base, 'anon-key-for-tests', null)
    await expect(remote.signIn('op@wingtel.example', 'nope')).rejects.toThrow(/Sign-in failed: Invalid login credentials/)
    await remote.close()
  })

  it('a malformed reply (HTML with 200) is a clear error: nothing applied, cursor unchanged', async () => {
    const { engine } = await signedIn()
    await engine.pull({ limit: 1000 })
    const cursor = engine.applier.cursor
    mode.rpc = 'garbage'
    await expect(engine.pull()).rejects.toThrow(/malformed sync_pull reply/)
    expect(engine.applier.cursor).toBe(cursor)
    mode.rpc = 'schema2'
    await c.sql(`UPDATE lines SET data_used_mb = 1 WHERE id = 101`)
    await expect(engine.pull()).rejects.toThrow(/the server speaks schema 2, this workstation knows schema 1/i)
    expect(engine.applier.cursor).toBe(cursor)
    expect(db.prepare('SELECT data_used_mb FROM lines WHERE id = 101').get()).not.toEqual({ data_used_mb: 1 })
    mode.rpc = 'real'
    await engine.pull()
    expect(db.prepare('SELECT data_used_mb FROM lines WHERE id = 101').get()).toEqual({ data_used_mb: 1 })
    await engine.close()
  })

  it('an expired session is refreshed once; when refresh fails: "sign in again", ops stay queued', async () => {
    const { engine, remote, sessions } = await signedIn()
    // the current token expires: one refresh, the call goes through with the new token
    gotrue.advance(3601)
    await engine.pull({ limit: 1000 })
    expect(sessions.length).toBe(2)
    expect(gotrue.calls.filter((x) => x.includes('grant_type=refresh_token')).length).toBe(1)
    // now the new token expires too and the refresh token is revoked
    gotrue.advance(3601)
    gotrue.refreshOk = false
    insertLocalOps(db, [{ line: 102, action: 'suspend', params: {} }])
    const err = await engine.push().catch((e) => e as RemoteError)
    expect(err).toBeInstanceOf(RemoteError)
    expect((err as RemoteError).kind).toBe('auth')
    expect((err as Error).message).toMatch(/session expired: sign in again/)
    expect(db.prepare('SELECT status, attempts FROM operations').get()).toEqual({ status: 'pending', attempts: 0 })
    // signing in again pushes them
    await remote.signIn('op@wingtel.example', 'secret')
    expect((await engine.push()).applied).toBe(1)
    await engine.close()
  })

  it('a 5xx keeps the ops pending with a backoff (attempts, next_attempt_at)', async () => {
    const { engine } = await signedIn()
    await engine.pull({ limit: 1000 })
    insertLocalOps(db, [{ line: 201, action: 'tag', params: { tag: 'x' } }])
    mode.rpc = '503'
    const r = await engine.push()
    expect(r.pending).toBe(1)
    const op = db.prepare('SELECT status, attempts, next_attempt_at FROM operations').get() as { status: string; attempts: number; next_attempt_at: string }
    expect(op.status).toBe('pending')
    expect(op.attempts).toBe(1)
    // within the backoff nothing is sent (an outbox whose clock stands 1 ms before next_attempt_at); forcing it
    // (pushNow) goes through once the server is back
    mode.rpc = 'real'
    const justBefore = new Outbox(db, clientIdOf(db), { now: () => Date.parse(op.next_attempt_at) - 1 })
    expect((await justBefore.pushAll((b) => engine.remote.push(b))).sent).toBe(0)
    expect(gotrue.calls.filter((x) => x === 'POST /rest/v1/rpc/push_operations').length).toBe(1)
    expect((await engine.push({ ignoreBackoff: true })).applied).toBe(1)
    await engine.close()
  })

  it('bootstraps through the bulk snapshot RPCs (sync_snapshot_begin, sync_snapshot_chunk) to a replica equal to the server', async () => {
    const { engine } = await signedIn()
    const r = await engine.pull({ limit: 7 })
    expect(r.bootstrapped).toBe(true)
    expect(gotrue.calls.filter((x) => x === 'POST /rest/v1/rpc/sync_snapshot_begin')).toHaveLength(1)
    // 40 lines in pages of 7: several chunks per table, then the log replayed from H0 with sync_pull
    const chunks = gotrue.calls.flatMap((x, i) => (x === 'POST /rest/v1/rpc/sync_snapshot_chunk' ? [i] : []))
    expect(chunks.length).toBeGreaterThan(6)
    expect(gotrue.calls.indexOf('POST /rest/v1/rpc/sync_pull')).toBeGreaterThan(chunks[chunks.length - 1])
    expect(localChecksums(db)).toEqual(await centralChecksums(c))
    // and the log replay from H0 follows what changes after
    await c.sql(`UPDATE lines SET data_used_mb = 4321 WHERE id = 102`)
    await engine.pull()
    expect(localChecksums(db)).toEqual(await centralChecksums(c))
    await engine.close()
  })

  it("runs every RPC under the caller's own claims: an analyst's push is refused (403), ops stay pending", async () => {
    const { engine } = await signedIn('analyst@wingtel.example')
    await engine.pull({ limit: 1000 })
    insertLocalOps(db, [{ line: 201, action: 'suspend', params: {} }])
    await expect(engine.push()).rejects.toThrow(/may not execute operations/)
    expect(db.prepare('SELECT status, attempts FROM operations').get()).toEqual({ status: 'pending', attempts: 0 })
    await engine.close()
  })

  it('refuses a forged, expired or missing JWT with 401, as PostgREST does', async () => {
    const rpc = (headers: Record<string, string>) =>
      fetch(`${base}/rest/v1/rpc/sync_pull`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ p_limit: 1 }) })
    const good = session('op@wingtel.example').access_token as string
    expect((await rpc({ authorization: `Bearer ${good}` })).status).toBe(200)
    const [h, p] = good.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, app_metadata: { role: 'admin' } })).toString('base64url')}.${good.split('.')[2]}`
    const refused = await rpc({ authorization: `Bearer ${forged}` })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ code: 'PGRST301', message: 'JWSError JWSInvalidSignature' })
    gotrue.advance(3601)
    const expired = await rpc({ authorization: `Bearer ${good}` })
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({ code: 'PGRST301', message: 'JWT expired' })
    expect((await rpc({})).status).toBe(401)
  })
})

describe('Supabase remote: the ledger', () => {
  it('issue 11, attack 2: verifies the ledger itself through rpc(ledger_page): the chain, the trusted signature', async () => {
    const { engine } = await signedIn()
    const op = { op_id: 1, action: 'tag', line_id: 102, params: { tag: 'ledger' }, base_version: 1 }
    await asRole(c.client, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-ledger', ops: [op] })]))
    const key = generateLedgerKey('worker')
    const signed = await signLedgerHead(c.client, key)
    const v = await engine.ledgerVerify({ keys: [key] })
    expect(v).toMatchObject({ ok: true, verified_up_to: signed.entry_id, signed_up_to: signed.entry_id, signed_by: 'worker' })
    expect(gotrue.calls).toContain('POST /rest/v1/rpc/ledger_page')
    await engine.close()
  })
})
