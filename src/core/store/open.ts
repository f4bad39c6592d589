// Opening the local store: refuse a file that is not SQLite, a corrupt one, or one from a newer version, with a clear
// message, and never overwrite it. Only then switch to WAL and migrate.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import * as schema from '../../../db/local/schema'
import { AppError, isAppError } from '../../shared/api/errors'
import { checkMigrationPrefix, migrate } from './migrations'

export type Db = Database.Database
export type Drizzle = ReturnType<typeof drizzle<typeof schema>>

const SQLITE_HEADER = 'SQLite format 3\u0000'

function checkHeader(path: string): void {
  if (path === ':memory:' || !existsSync(path)) return
  const size = statSync(path).size
  if (size === 0) return
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(16)
    const n = readSync(fd, buf, 0, 16, 0)
    if (n < 16 || buf.toString('latin1') !== SQLITE_HEADER) {
      throw new AppError('DB_CORRUPT', `${path} is not a Wingtel Ops workspace (not an SQLite database). It was left untouched; move it aside or choose another workspace.`)
    }
  } finally {
    closeSync(fd)
  }
}

export interface OpenOptions {
  readonly?: boolean
  /** skip migrations (read-only tools open an existing store as it is) */
  migrate?: boolean
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  checkHeader(path)
  let db: Db
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
  } catch (e) {
    throw new AppError('DB_CORRUPT', `Cannot open the workspace ${path}: ${(e as Error).message}. It was left untouched.`)
  }
  try {
    // Touch the schema before any write, so a damaged file fails here, not halfway through a migration.
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    checkMigrationPrefix(db)
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // a WAL grown by a bulk write (a bootstrap, with its checkpoints on another thread) is trimmed back to this when
      // it is next reset, instead of keeping its size on disk
      db.pragma('journal_size_limit = 67108864')
      db.pragma('busy_timeout = 5000')
      db.pragma('foreign_keys = OFF')
      db.pragma('cache_size = -65536') // 64 MB
      db.pragma('temp_store = MEMORY')
      db.pragma('mmap_size = 1073741824')
      if (opts.migrate ?? true) migrate(db)
    } else {
      db.pragma('cache_size = -65536')
      db.pragma('mmap_size = 1073741824')
    }
    return db
  } catch (e) {
    db.close()
    if (isAppError(e)) throw e
    const code = (e as { code?: string }).code ?? ''
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new AppError('DB_CORRUPT', `The workspace ${path} is damaged (${(e as Error).message}). It was left untouched; move it aside to start a new one.`)
    }
    throw e
  }
}

export function drizzleOf(db: Db): Drizzle {
  return drizzle(db, { schema })
}

export { schema }
