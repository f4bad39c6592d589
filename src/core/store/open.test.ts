import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/api/errors'
import { knownMigrations } from './migrations'
import { openDatabase } from './open'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-open-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    return `${(e as AppError).code}: ${(e as AppError).message}`
  }
  throw new Error('expected an error')
}

describe('openDatabase', () => {
  it('creates a fresh store in WAL mode with every known migration applied', () => {
    const path = join(dir, 'ws.sqlite')
    const db = openDatabase(path)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const applied = db.prepare('SELECT tag FROM _migrations ORDER BY idx').all() as { tag: string }[]
    expect(applied.map((a) => a.tag)).toEqual(knownMigrations().map((m) => m.tag))
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table' AND name='lines'").get()).toEqual({ n: 1 })
    db.close()
    // reopening applies nothing twice
    const again = openDatabase(path)
    expect((again.prepare('SELECT count(*) AS n FROM _migrations').get() as { n: number }).n).toBe(knownMigrations().length)
    again.close()
  })

  it('refuses a file that is not SQLite and leaves it byte-for-byte untouched', () => {
    const path = join(dir, 'notes.sqlite')
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(100))
    const before = readFileSync(path)
    expect(codeOf(() => openDatabase(path))).toMatch(/^DB_CORRUPT: .*not a Wingtel Ops workspace/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a damaged database and does not overwrite it', () => {
    const path = join(dir, 'ws.sqlite')
    openDatabase(path).close()
    const bytes = readFileSync(path)
    // keep the header, scribble over the schema page
    for (let i = 100; i < Math.min(bytes.length, 4096); i++) bytes[i] = 0xa5
    writeFileSync(path, bytes)
    const before = readFileSync(path)
    expect(codeOf(() => openDatabase(path))).toMatch(/^DB_CORRUPT/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a workspace written by a newer version (unknown migration) and writes nothing', () => {
    const path = join(dir, 'ws.sqlite')
    openDatabase(path).close()
    const raw = new Database(path)
    raw.prepare('INSERT INTO _migrations (idx, tag, hash, applied_at) VALUES (?, ?, ?, ?)').run(9999, '9999_from_the_future', 'x', '2030-01-01')
    raw.pragma('wal_checkpoint(TRUNCATE)')
    raw.close()
    const copy = join(dir, 'copy.sqlite')
    copyFileSync(path, copy)
    expect(codeOf(() => openDatabase(path))).toMatch(/^DB_INCOMPATIBLE: .*newer version.*9999_from_the_future/)
    expect(readFileSync(path).equals(readFileSync(copy))).toBe(true)
  })

  it('refuses a workspace whose migration history diverges', () => {
    const path = join(dir, 'ws.sqlite')
    openDatabase(path).close()
    const raw = new Database(path)
    raw.prepare('UPDATE _migrations SET hash = ? WHERE idx = 0').run('edited')
    raw.close()
    expect(codeOf(() => openDatabase(path))).toMatch(/^DB_INCOMPATIBLE: .*diverges/)
  })
})
