// Attack 10 of issue 11, web mode: the token echoed in a 500 response and in the log, and no request body limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../shared/api'
import { memoryLogger } from '../core/log'
import { EventBus } from '../core/store'
import { startWebServer, type WebServer } from './server'

const TOKEN = 'tok-7Hq2ZpL0xW9vR4sN1mK8bC3d'

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
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-web-limits-'))
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
})
