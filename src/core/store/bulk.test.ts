import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './open'
import { withBulkLoad, dropSecondaryIndexes, recreateIndexes, startCheckpointer } from './bulk'

const dirs: string[] = []
function db(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-bulk-'))
  dirs.push(dir)
  return openDatabase(join(dir, 'ws.sqlite'))
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const indexesOf = (d: Db, table: string) =>
  d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as Array<{ name: string; sql: string }>

describe('bulk load helpers', () => {
  it('drops the secondary indexes of the given tables only and recreates them identically', () => {
    const d = db()
    const lines0 = indexesOf(d, 'lines')
    const acc0 = indexesOf(d, 'accounts')
    expect(lines0.length).toBeGreaterThan(10)
    const saved = dropSecondaryIndexes(d, ['lines'])
    expect(saved.map((s) => s.name).sort()).toEqual(lines0.map((s) => s.name))
    expect(indexesOf(d, 'lines')).toEqual([])
    expect(indexesOf(d, 'accounts')).toEqual(acc0)
    const seen: string[] = []
    recreateIndexes(d, saved, (_done, _total, name) => seen.push(name))
    expect(indexesOf(d, 'lines')).toEqual(lines0)
    expect(seen.length).toBe(lines0.length)
    d.close()
  })

  it('a checkpointer takes the WAL checkpoints off the writer; stopped, it catches up, and the WAL is trimmed', async () => {
    const d = db()
    d.pragma('journal_size_limit = 262144')
    const c = startCheckpointer(d)
    expect(c).not.toBeNull()
    expect(d.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    d.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
    const ins = d.prepare('INSERT INTO t (v) VALUES (?)')
    for (let k = 0; k < 20; k++) d.transaction(() => {
      for (let i = 0; i < 1000; i++) ins.run(`row ${k}/${i} `.padEnd(200, 'x'))
    })()
    c!.stop()
    expect(d.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    await c!.exited
    // the worker caught up: the writer's next transaction starts the WAL over, trimmed to journal_size_limit (with
    // frames not yet in the database file it could not); every row is there
    expect(statSync(`${d.name}-wal`).size).toBeGreaterThan(4_000_000)
    ins.run('one more')
    expect(statSync(`${d.name}-wal`).size).toBeLessThanOrEqual(262144)
    expect(d.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 20_001 })
    d.close()
  })

  it('relaxes durability during the load and restores WAL, and rebuilds indexes even when the load fails', async () => {
    const d = db()
    expect(d.pragma('journal_mode', { simple: true })).toBe('wal')
    const n0 = indexesOf(d, 'payments').length
    await expect(
      withBulkLoad(d, ['payments'], () => {
        expect(d.pragma('journal_mode', { simple: true })).toBe('off')
        expect(indexesOf(d, 'payments')).toEqual([])
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(d.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(indexesOf(d, 'payments').length).toBe(n0)
    // defensive mode is back: journal_mode=OFF is refused again
    expect(d.pragma('journal_mode = OFF', { simple: true })).toBe('wal')
    d.close()
  })
})
