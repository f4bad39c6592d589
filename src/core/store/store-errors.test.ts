// Issue 11, attack 10: read-only and disk-full errors came back as raw SQLite messages. Through the API they are
// AppErrors in the user's words, whichever procedure hit them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeAppError } from '../../shared/api/errors'
import { createApi, createCaller } from '../app'
import { Workspace } from './workspace'

let dir: string
let path: string
const spec = { dataset: 'lines' as const, dimensions: [{ field: 'state' }], measures: [{ agg: 'count' as const }], chart: 'bar' as const }
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-store-errors-'))
  path = join(dir, 'ws.sqlite')
  new Workspace({ dbPath: path }).close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite errors in the user\'s words (attack 10)', () => {
  it('a full disk (max_page_count reached) is "The disk is full: …", code DB_FULL', async () => {
    const ws = new Workspace({ dbPath: path })
    try {
      ws.db.pragma('wal_checkpoint(TRUNCATE)')
      ws.db.pragma(`max_page_count = ${ws.db.pragma('page_count', { simple: true }) as number}`)
      const caller = createCaller(createApi(ws))
      // saved reports until the file would have to grow
      let e: unknown = null
      for (let i = 0; !e && i < 5000; i++) e = await caller.reports.save({ name: `report ${i} ${'x'.repeat(180)}`, spec }).then(() => null, (x: unknown) => x)
      expect(e).toMatchObject({ message: expect.stringMatching(/^The disk is full: /), cause: { code: 'DB_FULL' } })
    } finally {
      ws.close()
    }
  })

  it('a read-only workspace is "The workspace is read-only: …", code DB_READONLY', async () => {
    const ws = new Workspace({ dbPath: path, readonly: true })
    try {
      const e = await createCaller(createApi(ws)).reports.save({ name: 'r', spec }).then(() => null, (x: unknown) => x)
      expect(e).toMatchObject({ message: expect.stringMatching(/^The workspace is read-only: /), cause: { code: 'DB_READONLY' } })
    } finally {
      ws.close()
    }
  })

  it('I/O, cannot-open, corrupt and not-a-database errors, extended codes included', () => {
    const of = (code: string) => storeAppError(Object.assign(new Error('raw'), { code }))
    expect(of('SQLITE_IOERR_WRITE')).toMatchObject({ code: 'DB_IO', message: expect.stringMatching(/^The disk reported an error/) })
    expect(of('SQLITE_CANTOPEN')).toMatchObject({ code: 'DB_IO', message: expect.stringMatching(/^Cannot open the workspace/) })
    expect(of('SQLITE_CORRUPT')).toMatchObject({ code: 'DB_CORRUPT', message: expect.stringMatching(/^The workspace file is damaged/) })
    expect(of('SQLITE_NOTADB')).toMatchObject({ code: 'DB_CORRUPT' })
    expect(of('SQLITE_READONLY_DBMOVED')).toMatchObject({ code: 'DB_READONLY' })
    expect(of('SQLITE_CONSTRAINT')).toBeNull()
    expect(storeAppError(new Error('plain'))).toBeNull()
  })
})
