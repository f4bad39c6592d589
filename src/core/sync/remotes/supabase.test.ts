// The Supabase remote against a local HTTP server speaking the GoTrue/PostgREST subset it uses (no internet here):
// POST /auth/v1/token?grant_type=password|refresh_token and POST /rest/v1/rpc/<fn>. The RPCs are served by a real
// central test database (PGlite or TEST_DATABASE_URL) unless a test makes the server misbehave.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../store'
import { SyncEngine } from '../engine'
import { RemoteError } from '../errors'
import { claimsFor, type Remote, type Session } from './remote'
import { SupabaseRemote } from './supabase'
import { createTestCentral, seedSmall, type TestCentral } from '../testing/test-central'
import { centralChecksums, insertLocalOps, localChecksums } from '../testing/test-checksums'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const jwt = (sub: string, exp: number) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp, role: 'authenticated', aud: 'authenticated' })}.sig`

interface Mode {
  /** what /rest/v1/rpc/* answers instead of the real RPC */
  rpc: 'real' | 'garbage' | 'schema2' | 'expire-all' | '503'
  /** access tokens the server treats as expired */
  expired: Set<string>
  refreshOk: boolean
  calls: string[]
}

let c: TestCentral
let backend: Remote
let server: Server
let base: string
const mode: Mode = { rpc: 'real', expired: new Set(), refreshOk: true, calls: [] }
let tokenN = 0

function session(): Record<string, unknown> {
  tokenN++
  const exp = Math.floor(Date.now() / 1000) + 3600
  return {
    access_token: jwt(`u${tokenN}`, exp),
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: exp,
    refresh_token: `refresh-${tokenN}`,
    user: { id: '00000000-0000-4000-8000-000000000001', aud: 'authenticated', role: 'authenticated', email: 'op@wingtel.example', app_metadata: { role: 'operator' } },
  }
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const ch of req) chunks.push(ch as Buffer)
  const s = Buffer.concat(chunks).toString('utf8')
  return s ? JSON.parse(s) : null
}

function send(res: ServerResponse, status: number, payload: unknown, raw = false): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(raw ? String(payload) : JSON.stringify(payload))
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', base)
  const input = (await body(req)) as Record<string, unknown> | null
  mode.calls.push(`${req.method} ${url.pathname}${url.search}`)
  if (url.pathname === '/auth/v1/token') {
    const grant = url.searchParams.get('grant_type')
    if (grant === 'password') {
      if (input?.email === 'op@wingtel.example' && input?.password === 'secret') return send(res, 200, session())
      return send(res, 400, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
    }
    if (grant === 'refresh_token') {
      if (mode.refreshOk) return send(res, 200, session())
      return send(res, 400, { code: 400, error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token: Refresh Token Not Found' })
    }
  }
  if (url.pathname.startsWith('/rest/v1/rpc/')) {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    if (mode.rpc === 'expire-all' || mode.expired.has(token)) return send(res, 401, { code: 'PGRST301', details: null, hint: null, message: 'JWT expired' })
    if (mode.rpc === '503') return send(res, 503, { message: 'upstream down' })
    const fn = url.pathname.slice('/rest/v1/rpc/'.length)
    if (mode.rpc === 'garbage') return send(res, 200, '<html>502 Bad Gateway</html>', true)
    try {
      if (fn === 'sync_pull') {
        const reply = await backend.pull((input?.p_cursor as string | null) ?? null, Number(input?.p_limit ?? 5000))
        if (mode.rpc === 'schema2') return send(res, 200, { ...reply, schema_version: 2 })
        return send(res, 200, reply)
      }
      if (fn === 'push_operations') return send(res, 200, await backend.push(input?.p_batch as never))
    } catch (e) {
      return send(res, 400, { code: (e as RemoteError).sqlstate ?? 'P0001', message: (e as Error).message, details: null, hint: null })
    }
    return send(res, 404, { code: 'PGRST202', message: `Could not find the function public.${fn}` })
  }
  send(res, 404, { message: 'not found' })
}

let dir: string
let db: Db
beforeAll(async () => {
  c = await createTestCentral()
  await seedSmall(c, 20, 2)
  backend = c.remote(claimsFor('operator'))
  server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, { message: String(e) }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 120_000)
afterAll(async () => {
  await new Promise((r) => server?.close(r))
  await c?.close()
})
beforeEach(() => {
  mode.rpc = 'real'
  mode.expired.clear()
  mode.refreshOk = true
  mode.calls = []
  dir = mkdtempSync(join(tmpdir(), 'wt-supa-'))
  db = openDatabase(join(dir, 'ws.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

async function signedIn(): Promise<{ engine: SyncEngine; remote: SupabaseRemote; sessions: Array<Session | null> }> {
  const sessions: Array<Session | null> = []
  const remote = new SupabaseRemote(base, 'anon-key-for-tests', null, (s) => sessions.push(s))
  const engine = await SyncEngine.open({ dbPath: 'x', db, remote: { kind: 'supabase', url: base, anonKey: 'k', session: null }, remoteImpl: remote })
  await engine.signIn('op@wingtel.example', 'secret')
  return { engine, remote, sessions }
}

describe('Supabase remote (local GoTrue/PostgREST stand-in)', () => {
  it('signs in with email/password, pulls through rpc(sync_pull) and pushes through rpc(push_operations)', async () => {
    const { engine, sessions } = await signedIn()
    expect(sessions[0]?.email).toBe('op@wingtel.example')
    const r = await engine.pull({ limit: 25 })
    expect(r.bootstrapped).toBe(true)
    expect(localChecksums(db)).toEqual(await centralChecksums(c))
    expect(mode.calls.filter((x) => x === 'POST /rest/v1/rpc/sync_pull').length).toBe(r.pages)
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
    mode.expired.add(sessions[0]!.accessToken)
    await engine.pull({ limit: 1000 })
    expect(sessions.length).toBe(2)
    expect(mode.calls.filter((x) => x.includes('grant_type=refresh_token')).length).toBe(1)
    // now every token is refused and the refresh token is revoked
    mode.rpc = 'expire-all'
    mode.refreshOk = false
    insertLocalOps(db, [{ line: 102, action: 'suspend', params: {} }])
    const err = await engine.push().catch((e) => e as RemoteError)
    expect(err).toBeInstanceOf(RemoteError)
    expect((err as RemoteError).kind).toBe('auth')
    expect((err as Error).message).toMatch(/session expired: sign in again/)
    expect(db.prepare('SELECT status, attempts FROM operations').get()).toEqual({ status: 'pending', attempts: 0 })
    // signing in again pushes them
    mode.rpc = 'real'
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
    expect(op.next_attempt_at > new Date().toISOString()).toBe(true)
    // within the backoff nothing is sent; forcing it (pushNow) goes through once the server is back
    mode.rpc = 'real'
    expect((await engine.push()).sent).toBe(0)
    expect((await engine.push({ ignoreBackoff: true })).applied).toBe(1)
    await engine.close()
  })
})
