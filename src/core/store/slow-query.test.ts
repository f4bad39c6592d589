// The slow-query log, with an injected clock: no test here depends on how fast SQLite really is.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LEVELS, memoryLogger } from '../log'
import { watchSlowQueries } from './slow-query'
import { Workspace } from './workspace'

/** A clock that moves `tick` ms each time it is read, so every statement "takes" exactly `tick` ms. */
function setup(tick: { ms: number }) {
  const db = new Database(':memory:')
  const { log, records } = memoryLogger()
  let t = 0
  watchSlowQueries(db, { log: () => log, now: () => (t += tick.ms) })
  return { db, records }
}

describe('slow-query log', () => {
  it('logs a statement over the threshold at warn with its text and duration, and not one under it', () => {
    const tick = { ms: 20 }
    const { db, records } = setup(tick)
    db.exec('CREATE TABLE t (x)')
    db.prepare('INSERT INTO t VALUES (?)').run(1)
    expect(records).toEqual([])
    tick.ms = 75
    expect(db.prepare('SELECT x FROM t').all()).toEqual([{ x: 1 }])
    expect(db.prepare('SELECT count(*) AS n FROM t').pluck().get()).toBe(1)
    expect(records).toEqual([
      expect.objectContaining({ level: LEVELS.warn, msg: 'slow query', sql: 'SELECT x FROM t', ms: 75 }),
      expect.objectContaining({ level: LEVELS.warn, msg: 'slow query', sql: 'SELECT count(*) AS n FROM t', ms: 75 }),
    ])
  })

  it('times exec and truncates long statement text', () => {
    const { db, records } = setup({ ms: 51 })
    const sql = `SELECT 1 AS ${'a'.repeat(600)}`
    db.exec(sql)
    expect(records).toHaveLength(1)
    expect(records[0].sql).toBe(`${sql.slice(0, 500)}…`)
  })

  it('passes a failing statement’s error through, timing exec even when it fails', () => {
    const { db, records } = setup({ ms: 60 })
    expect(() => db.prepare('SELECT * FROM missing').all()).toThrow(/no such table/)
    expect(() => db.exec('INSERT INTO missing VALUES (1)')).toThrow(/no such table/)
    expect(records.map((r) => r.sql)).toEqual(['INSERT INTO missing VALUES (1)'])
  })

  it('watches the workspace store, logging through the workspace’s logger', () => {
    const { log, records } = memoryLogger()
    const ws = new Workspace({ dbPath: ':memory:', log, slowQueryMs: -1 })
    try {
      ws.setMeta('k', 'v')
      expect(ws.meta('k')).toBe('v')
      expect(records.map((r) => r.sql)).toEqual(expect.arrayContaining(['SELECT value FROM meta WHERE key = ?']))
    } finally {
      ws.close()
    }
  })
})
