// A copied or restored workspace gets a new client id on first open (issue 11, attack 1), detected by the sidecar
// `<workspace>.id` outside the database; the ops already in the outbox keep the id they were committed under.
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../store'
import { insertLocalOps } from '../testing/test-checksums'
import { CLIENT_META, ensureClientIdentity, sidecarPath } from './client-id'

let dir: string
const open: Db[] = []
const db = (name: string): Db => {
  const d = openDatabase(join(dir, name))
  open.push(d)
  return d
}
/** Closes a workspace cleanly (WAL checkpointed), as a person would before copying the file. */
const close = (d: Db) => {
  d.close()
  open.splice(open.indexOf(d), 1)
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-client-id-'))
})
afterEach(() => {
  for (const d of open.splice(0)) d.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('client id and file identity', () => {
  it('keeps its id across opens of the same file, and writes the sidecar 0600', () => {
    const a = db('a.sqlite')
    const first = ensureClientIdentity(a)
    expect(first.renewed).toBe('new')
    close(a)
    const again = ensureClientIdentity(db('a.sqlite'))
    expect(again.current).toBe(first.current)
    expect(again.renewed).toBeNull()
    expect(statSync(sidecarPath(join(dir, 'a.sqlite'))).mode & 0o777).toBe(0o600)
  })

  it('attack 1: a copy without the sidecar, a copy with it, and a restore from backup each get a new id', () => {
    const a = db('a.sqlite')
    const original = ensureClientIdentity(a).current
    insertLocalOps(a, [{ line: 1, action: 'tag', params: { tag: 'x' } }, { line: 2, action: 'tag', params: { tag: 'y' } }])
    close(a)
    const src = join(dir, 'a.sqlite')
    copyFileSync(src, join(dir, 'bare.sqlite'))
    copyFileSync(src, join(dir, 'both.sqlite'))
    copyFileSync(sidecarPath(src), sidecarPath(join(dir, 'both.sqlite')))
    copyFileSync(src, join(dir, 'backup.sqlite'))

    const bare = ensureClientIdentity(db('bare.sqlite'))
    const both = ensureClientIdentity(db('both.sqlite'))
    expect(bare.renewed).toBe('copied')
    expect(both.renewed).toBe('copied')
    expect(new Set([original, bare.current, both.current]).size).toBe(3)
    // the two ops committed before the copy keep the original's id; the copy's next op (seq 3) is its own
    expect([bare.idFor(1), bare.idFor(2), bare.idFor(3)]).toEqual([original, original, bare.current])

    // restore: the backup replaces the workspace under its old path (a new inode); the sidecar names the old file
    renameSync(join(dir, 'backup.sqlite'), src)
    const restored = ensureClientIdentity(db('a.sqlite'))
    expect(restored.renewed).toBe('copied')
    expect(restored.current).not.toBe(original)
    // and the original's own next open (it is the restored file now) keeps that new id
    close(open[open.length - 1])
    expect(ensureClientIdentity(db('a.sqlite')).current).toBe(restored.current)
  })

  it('a workspace from before the sidecar keeps its id; once guarded, a lost sidecar means a copy', () => {
    const a = db('old.sqlite')
    a.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(CLIENT_META.clientId, 'legacy-id')
    const adopted = ensureClientIdentity(a)
    expect(adopted.current).toBe('legacy-id')
    expect(adopted.renewed).toBeNull()
    expect(existsSync(sidecarPath(join(dir, 'old.sqlite')))).toBe(true)
    unlinkSync(sidecarPath(join(dir, 'old.sqlite')))
    expect(ensureClientIdentity(a).renewed).toBe('copied')
  })

  it('an in-memory store only keeps the id in meta', () => {
    const m = openDatabase(':memory:')
    open.push(m)
    const id = ensureClientIdentity(m).current
    expect(ensureClientIdentity(m).current).toBe(id)
  })
})
