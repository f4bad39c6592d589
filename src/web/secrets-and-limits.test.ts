// Attack 10 of issue 11, web mode: the token echoed in a 500 response and in the log, and no request body limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import type { Api } from '../shared/api'
import { SqlRunner } from '../core/reports'
import { memoryLogger } from '../core/log'
import { EventBus } from '../core/store'
import { startWebServer, type WebServer } from './server'

const TOKEN = 'tok-7Hq2ZpL0xW9vR4sN1mK8bC3d'
const dir = mkdtempSync(join(tmpdir(), 'wt-web-limits-'))
const dbFile = join(dir, 'ws.sqlite')
new Database(dbFile).exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)").close()
// the real runner, capped at 2 children and no queue, behind the API's sqlRun/sqlCancel
const runner = new SqlRunner(dbFile, { concurrency: 2, queueMs: 0, maxResultBytes: 64 * 1024 })

const api = {
  workspace: {
    status: async () => ({ state: 'ready', dbPath: ':memory:', source: 'demo', asOf: null, lines: 0, accounts: 0, progress: null, error: null, version: 't' }),
  },
  lines: {
    // a handler whose error quotes what it was given, as a careless one might
    detail: async ({ ref }: { ref: string }) => {
      throw new Error(`lookup failed for ${ref}`)
    },
  },
  console: {
    parse: async () => ({ ok: true }),
  },
  reports: {
    sqlRun: ({ sql, maxRows, timeoutMs, runId }: { sql: string; maxRows: number; timeoutMs: number; runId?: string }) => runner.run(sql, { maxRows, timeoutMs, runId }),
    sqlCancel: async ({ runId }: { runId: string }) => ({ cancelled: runner.cancel(runId) }),
  },
} as unknown as Api

function request(server: WebServer, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers: { 'x-wingtel-token': TOKEN, ...headers } }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', fail)
    req.end(body)
  })
}

describe('web mode: secrets and limits (attack 10)', () => {
  const { log, records } = memoryLogger()
  let server: WebServer
  beforeAll(async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html>')
    server = await startWebServer({
      api,
      events: new EventBus(),
      staticDir: dir,
      token: TOKEN,
      log,
      maxBodyBytes: 64 * 1024,
      routes: {
        // a download route whose error quotes the request URL (token and all)
        'export/report.pdf': async (url) => {
          throw new Error(`cannot render ${url.href}`)
        },
      },
    })
  })
  afterAll(async () => {
    await server.close()
    await runner.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('never echoes the token in a 500 response or in the log', async () => {
    records.length = 0
    const route = await request(server, 'GET', `/api/export/report.pdf?token=${TOKEN}`)
    expect(route.status).toBe(500)
    const input = encodeURIComponent(JSON.stringify({ ref: `http://127.0.0.1:${server.port}/?token=${TOKEN}` }))
    const trpc = await request(server, 'GET', `/api/trpc/lines.detail?input=${input}`)
    expect(trpc.status).toBe(500)
    log.info({ url: `/api/events?token=${TOKEN}` }, `request /api/events?token=${TOKEN}`)
    for (const body of [route.body, trpc.body]) {
      expect(body).not.toContain(TOKEN)
      expect(body).toContain('***')
    }
    expect(records.length).toBeGreaterThanOrEqual(3)
    expect(JSON.stringify(records)).not.toContain(TOKEN)
  })

  it('answers an oversized body with 413 and a clear JSON error, and keeps serving', async () => {
    const big = Buffer.alloc(256 * 1024, 'a')
    for (const path of ['/api/trpc/console.parse', '/api/trpc/workspace.status']) {
      const r = await request(server, 'POST', path, big, { 'content-type': 'application/json' })
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body)).toMatchObject({ error: expect.stringContaining('too large') })
    }
    const ok = await request(server, 'GET', '/api/trpc/workspace.status')
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).result.data.state).toBe('ready')
  })

  it('a chunked body without a length is cut at the limit too', async () => {
    const r = await new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/trpc/console.parse', headers: { 'x-wingtel-token': TOKEN, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', fail)
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(16 * 1024, 'b'))
      req.end()
    })
    expect(r.status).toBe(413)
    expect((await request(server, 'GET', '/api/trpc/workspace.status')).status).toBe(200)
  })

  it('answers a third concurrent SQL run with 503 busy while two run, and runs again once one ends', { timeout: 60_000 }, async () => {
    const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c'
    const post = (path: string, input: unknown) => request(server, 'POST', `/api/trpc/${path}`, Buffer.from(JSON.stringify(input)), { 'content-type': 'application/json' })
    const a = post('reports.sqlRun', { sql: RUNAWAY, runId: 'a', timeoutMs: 600_000 })
    const b = post('reports.sqlRun', { sql: RUNAWAY, runId: 'b', timeoutMs: 600_000 })
    let third = await post('reports.sqlRun', { sql: 'SELECT x FROM t' })
    while (third.status === 200) third = await post('reports.sqlRun', { sql: 'SELECT x FROM t' }) // until both runaways have arrived and hold the two slots
    expect(third.status).toBe(503)
    expect(JSON.parse(third.body).error.message).toContain('busy: 2 SQL queries are already running')
    await post('reports.sqlCancel', { runId: 'a' })
    await post('reports.sqlCancel', { runId: 'b' })
    expect((await a).status).toBe(400)
    expect((await b).status).toBe(400)
    const again = await post('reports.sqlRun', { sql: 'SELECT x FROM t' })
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body).result.data.rows).toEqual([[1]])
  })
})
