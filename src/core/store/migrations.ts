// Applies the drizzle-kit migrations in db/local/migrations, guarded: the migrations already applied to a database
// must be a prefix of the ones this build knows (same tags, same SQL hashes). A database written by a newer build, or
// one whose history diverged, is refused before anything is written to it.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { AppError } from '../../shared/api/errors'

export interface Migration {
  idx: number
  tag: string
  hash: string
  statements: string[]
}

/** Finds db/local/migrations by walking up from this module (source tree, out/main bundle or the packaged app). */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'db', 'local', 'migrations')
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate
    const parent = resolve(dir, '..')
    if (parent === dir) break
    dir = parent
  }
  throw new Error('db/local/migrations not found next to the application')
}

let cached: Migration[] | null = null

export function knownMigrations(): Migration[] {
  if (cached) return cached
  const dir = migrationsDir()
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>
  }
  cached = journal.entries.map((e) => {
    const sql = readFileSync(join(dir, `${e.tag}.sql`), 'utf8')
    return {
      idx: e.idx,
      tag: e.tag,
      hash: createHash('sha256').update(sql).digest('hex'),
      statements: sql
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter(Boolean),
    }
  })
  return cached
}

interface Applied {
  idx: number
  tag: string
  hash: string
}

function appliedMigrations(db: Database.Database): Applied[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").get()
  if (!exists) return []
  return db.prepare('SELECT idx, tag, hash FROM _migrations ORDER BY idx').all() as Applied[]
}

/** Throws DB_INCOMPATIBLE unless the applied migrations are a prefix of the known list. Writes nothing. */
export function checkMigrationPrefix(db: Database.Database, known = knownMigrations()): { pending: Migration[] } {
  const applied = appliedMigrations(db)
  if (applied.length > known.length) {
    const unknown = applied[known.length]
    throw new AppError(
      'DB_INCOMPATIBLE',
      `This workspace was written by a newer version of Wingtel Ops (it has migration "${unknown.tag}", which this version does not know). Update the app; the database was left untouched.`,
    )
  }
  applied.forEach((a, i) => {
    const k = known[i]
    if (a.tag !== k.tag || a.hash !== k.hash) {
      throw new AppError(
        'DB_INCOMPATIBLE',
        `This workspace's schema history diverges from this version at migration ${i} ("${a.tag}" vs "${k.tag}"). The database was left untouched.`,
      )
    }
  })
  return { pending: known.slice(applied.length) }
}

/** Applies the pending migrations, each in its own transaction together with its bookkeeping row. */
export function migrate(db: Database.Database): number {
  const { pending } = checkMigrationPrefix(db)
  if (pending.length === 0) return 0
  db.exec('CREATE TABLE IF NOT EXISTS _migrations (idx INTEGER PRIMARY KEY, tag TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const record = db.prepare('INSERT INTO _migrations (idx, tag, hash, applied_at) VALUES (?, ?, ?, ?)')
  for (const m of pending) {
    db.transaction(() => {
      for (const s of m.statements) db.exec(s)
      record.run(m.idx, m.tag, m.hash, new Date().toISOString())
    })()
  }
  return pending.length
}
