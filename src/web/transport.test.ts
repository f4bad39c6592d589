// Both transports refuse what they must and give typed errors for bad calls, without crashing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../shared/api'
import { AppError } from '../shared/api/errors'
import { EventBus } from '../core/store'
import { startWebServer, type WebServer } from './server'
import { dispatch } from '../core/app'

const fakeApi = {
  workspace: {
    status: async () => ({ state: 'ready', dbPath: ':memory:', source: 'demo', asOf: null, lines: 0, accounts: 0, progress: null, error: null, version: 't' }),
  },
  lines: {
    list: async () => ({ rows: [], rowCount: 0 }),
    distinct: async () => [],
    detail: async ({ ref }: { ref: string }) => {
      throw new AppError('NOT_FOUND', `No line with MSISDN ${ref}`)
    },
    search: async () => [],
  },
} as unknown as Api

describe('IPC dispatch', () => {
  it('answers a valid call', async () => {
    const res = await dispatch(fakeApi, { path: 'workspace.status', type: 'query' }, 'ipc')
    expect(res).toMatchObject({ result: { data: { state: 'ready' } } })
  })

  it.each([
    ['not an object', 42, 'BAD_INPUT'],
    ['unknown procedure', { path: 'lines.dropAll', type: 'mutation' }, 'NOT_FOUND'],
    ['prototype path', { path: '__proto__', type: 'query' }, 'NOT_FOUND'],
    ['wrong call type', { path: 'lines.list', type: 'mutation', input: {} }, 'BAD_INPUT'],
    ['invalid input', { path: 'lines.list', type: 'query', input: { sort: [{ colId: 'password', sort: 'asc' }] } }, 'BAD_INPUT'],
  ])('refuses %s with a typed error', async (_name, req, appCode) => {
    const res = (await dispatch(fakeApi, req, 'ipc')) as { error: { message: string; data: { appCode: string } } }
    expect(res.error.data.appCode).toBe(appCode)
    expect(res.error.message.length).toBeGreaterThan(5)
  })

  it('keeps the AppError code of a handler', async () => {
    const res = (await dispatch(fakeApi, { path: 'lines.detail', type: 'query', input: { ref: '+15125550000' } }, 'ipc')) as {
      error: { message: string; data: { appCode: string } }
    }
    expect(res.error.data.appCode).toBe('NOT_FOUND')
    expect(res.error.message).toContain('+15125550000')
  })
})

const INDEX_HTML = '<!doctype html><title>Wingtel Ops</title>'
const SECRET = 'the secret that stays on disk'

describe('web server', () => {
  let server: WebServer
  let dir: string
  beforeAll(async () => {
    // the renderer folder is www/; beside it, a file no request may reach
    dir = mkdtempSync(join(tmpdir(), 'wt-web-'))
    mkdirSync(join(dir, 'www', 'assets'), { recursive: true })
    writeFileSync(join(dir, 'www', 'index.html'), INDEX_HTML)
    writeFileSync(join(dir, 'www', 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'secret.txt'), SECRET)
    server = await startWebServer({ api: fakeApi, events: new EventBus(), staticDir: join(dir, 'www'), token: 'secret-token' })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    return new Promise((ok, fail) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
          let body = ''
          res.on('data', (c) => (body += c))
          res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }))
        })
        .on('error', fail)
    })
  }

  it('binds to loopback and prints a URL carrying the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=secret-token$/)
  })

  it('serves the renderer with a strict CSP', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.body).toContain('Wingtel Ops')
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    expect((await get('/assets/app.js')).body).toBe('console.log(1)')
  })

  it('refuses the API without the token', async () => {
    expect((await get('/api/trpc/workspace.status')).status).toBe(401)
    expect((await get('/api/trpc/workspace.status', { 'x-wingtel-token': 'wrong-token!' })).status).toBe(401)
  })

  it('answers the API with the token', async () => {
    const res = await get('/api/trpc/workspace.status', { 'x-wingtel-token': 'secret-token' })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).result.data.state).toBe('ready')
  })

  it('gives a typed error for a malformed call', async () => {
    const input = encodeURIComponent(JSON.stringify({ startRow: -5 }))
    const res = await get(`/api/trpc/lines.list?input=${input}`, { 'x-wingtel-token': 'secret-token' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error.data.appCode).toBe('BAD_INPUT')
  })

  it('refuses foreign Host and Origin headers (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(403)
    expect((await get('/api/trpc/workspace.status', { 'x-wingtel-token': 'secret-token', Origin: 'https://evil.example' })).status).toBe(403)
  })

  it('serves the files of the renderer folder', async () => {
    expect(await get('/assets/app.js')).toMatchObject({ status: 200, body: 'console.log(1)' })
    expect(await get('/')).toMatchObject({ status: 200, body: INDEX_HTML })
  })

  it('does not serve files outside the renderer folder: a traversal gets a refusal or index.html, never the file', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%252e%252e%252fsecret.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
    ]
    for (const path of attempts) {
      const res = await get(path)
      expect(res.body, path).not.toContain(SECRET)
      if (res.status === 200) expect(res.body, path).toBe(INDEX_HTML)
      else expect([400, 403, 404], path).toContain(res.status)
    }
  })
})
