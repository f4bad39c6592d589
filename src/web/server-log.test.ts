// Errors that cross HTTP are logged like those that cross IPC: ours at error with their stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEVELS, memoryLogger } from '../core/log'
import { EventBus } from '../core/store'
import { startWebServer, type WebServer } from './server'
import { failingApi } from '../core/app/testing'

const api = failingApi()

describe('web server error log', () => {
  const { log, records } = memoryLogger()
  let server: WebServer
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-web-log-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html>')
    server = await startWebServer({
      api,
      events: new EventBus(),
      staticDir: dir,
      token: 'tok',
      log,
      routes: {
        'export/report.pdf': async () => {
          throw new Error('pdf renderer crashed')
        },
      },
    })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { 'x-wingtel-token': 'tok' } })
  const detail = (ref: string) => get(`/api/trpc/lines.detail?input=${encodeURIComponent(JSON.stringify({ ref }))}`)

  it('logs a handler’s plain Error at error with its stack and path, and an AppError at info', async () => {
    records.length = 0
    expect((await detail('+15125559999')).status).toBe(500)
    expect((await detail('+15125550000')).status).toBe(404)
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({ level: LEVELS.error, path: 'lines.detail', transport: 'http', err: { message: 'cursor went away' } })
    expect((records[0].err as { stack: string }).stack).toContain('app/testing.ts') // where the handler threw
    expect(records[1]).toMatchObject({ level: LEVELS.info, path: 'lines.detail', code: 'NOT_FOUND' })
    expect(records[1]).not.toHaveProperty('err')
  })

  it('logs a failed download route with its stack', async () => {
    records.length = 0
    expect((await get('/api/export/report.pdf')).status).toBe(500)
    expect(records).toEqual([expect.objectContaining({ level: LEVELS.error, path: '/api/export/report.pdf', msg: 'download failed' })])
    expect((records[0].err as { stack: string }).stack).toContain('pdf renderer crashed')
  })
})
