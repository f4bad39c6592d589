// Issue 11, attack 10: corrupted interior pages went unnoticed at open. quick_check runs at open: before it returns
// for a small workspace, in a worker thread right after for a big one (then the workspace is marked damaged and
// refuses writes).
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/api/errors'
import { buildDemoWorkspace } from '../demo'
import { Workspace } from './workspace'

let dir: string
let good: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wt-integrity-'))
  good = join(dir, 'good.sqlite')
  await buildDemoWorkspace(good, { lines: 2000, months: 2, seed: 8, asOf: '2026-11-20' })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A copy of the good workspace with pages in the middle of the file overwritten (the header and schema kept). */
function damagedCopy(name: string): string {
  const path = join(dir, name)
  copyFileSync(good, path)
  const page = 4096
  const pages = Math.floor(statSync(path).size / page)
  const fd = openSync(path, 'r+')
  try {
    const junk = Buffer.alloc(page * 4, 0xa5)
    writeSync(fd, junk, 0, junk.length, Math.floor(pages / 2) * page)
  } finally {
    closeSync(fd)
  }
  return path
}

describe('quick_check at open (attack 10)', () => {
  it('a sound workspace opens', () => {
    new Workspace({ dbPath: good }).close()
  })

  it('a small workspace with damaged interior pages is refused at open: "the workspace file is damaged"', () => {
    const path = damagedCopy('small.sqlite')
    let err: unknown
    try {
      new Workspace({ dbPath: path }).close()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('DB_CORRUPT')
    expect((err as AppError).message).toMatch(/^The workspace file is damaged: /)
  })

  it('a big one is checked in a worker after the open: marked damaged, an event, and writes refused', async () => {
    const path = damagedCopy('big.sqlite')
    const ws = new Workspace({ dbPath: path, integrity: 'background' })
    const events: string[] = []
    ws.events.on((e) => {
      if (e.type === 'workspace-error') events.push(e.message)
    })
    await ws.integrity
    expect(ws.state).toBe('error')
    expect(ws.error).toMatch(/^The workspace file is damaged: /)
    expect(events).toEqual([ws.error])
    await expect(ws.queue.run(() => ws.setMeta('x', '1'))).rejects.toThrow(/damaged/)
    expect(() => ws.setMeta('x', '1')).toThrow(/readonly/)
    ws.close()
  })
})
