// Opening the local store: every SQLite file of the workspace is opened by openSqlite (the one place that calls
// better-sqlite3's constructor: lint refuses it elsewhere in the core), which creates it 0600, applies the store key
// (cipher.ts) and probes it, so a missing or wrong key, a foreign file or a damaged schema fail here with a clear
// message and the file untouched. openDatabase adds the workspace's own steps: encrypt an old unencrypted workspace
// (encrypt.ts), check its migrations, WAL, migrate.
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import * as schema from '../../../db/local/schema'
import { AppError, isAppError, storeAppError } from '../../shared/api/errors'
import { applyKey, currentStoreKey, ensurePrivateFile, fileKind, type StoreKey } from './cipher'
import { encryptInPlace, looksEncrypted } from './encrypt'
import { checkMigrationPrefix, migrate } from './migrations'

export type Db = Database.Database
export type Drizzle = ReturnType<typeof drizzle<typeof schema>>

export interface SqliteOptions {
  readonly?: boolean
  fileMustExist?: boolean
  /** the store key; default: the process's (setStoreKey). null: no encryption. */
  key?: StoreKey | null
  /** open an unencrypted file as it is even when a key is set (read-only tools, scratch files being replaced) */
  allowPlain?: boolean
}

function keyRefusal(path: string, key: StoreKey | null, e: unknown): AppError {
  if (key) return new AppError('DB_LOCKED_KEY', `The workspace ${path} cannot be read with this key: it is damaged, or encrypted with another key. It was left untouched.`)
  if (looksEncrypted(path)) {
    return new AppError(
      'DB_LOCKED_KEY',
      `This workspace is encrypted; open it with its key (set WINGTEL_DB_PASSPHRASE, or keep its key file in WINGTEL_HOME; the desktop app keeps it in the OS keychain). ${path} was left untouched.`,
    )
  }
  return new AppError('DB_CORRUPT', `${path} is not a Wingtel Ops workspace (not an SQLite database: ${(e as Error).message}). It was left untouched; move it aside or choose another workspace.`)
}

/**
 * Opens one SQLite file of the workspace: created 0600 (with its -wal/-shm), keyed, probed. A file that cannot be read
 * with the key (or without one) becomes an AppError in the user's words.
 */
export function openSqlite(path: string, opts: SqliteOptions = {}): Db {
  const memory = path === ':memory:' || path === ''
  const readonly = opts.readonly ?? false
  if (!memory && !readonly) ensurePrivateFile(path)
  const kind = memory ? 'empty' : fileKind(path)
  let key = memory ? null : opts.key === undefined ? currentStoreKey() : opts.key
  if (key && kind === 'plain') {
    if (!(opts.allowPlain || readonly)) {
      throw new AppError('DB_LOCKED_KEY', `${path} is not encrypted, but this workspace's files are: it was left untouched. Move it aside, or open it once with the app to encrypt it.`)
    }
    key = null
  }
  let db: Db
  try {
    db = new Database(path, { readonly, fileMustExist: opts.fileMustExist ?? readonly })
  } catch (e) {
    throw storeAppError(e, path) ?? new AppError('DB_IO', `Cannot open the workspace ${path}: ${(e as Error).message}. It was left untouched.`)
  }
  try {
    if (key) applyKey(db, key)
    // Touch the schema before anything else, so a wrong key or a damaged file fails here, not halfway through a write.
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    return db
  } catch (e) {
    db.close()
    const code = String((e as { code?: string }).code ?? '')
    if (code === 'SQLITE_NOTADB') throw keyRefusal(path, key, e)
    throw storeAppError(e, path) ?? e
  }
}

export interface OpenOptions {
  readonly?: boolean
  /** skip migrations (read-only tools open an existing store as it is) */
  migrate?: boolean
  /** the store key; default: the process's (setStoreKey) */
  key?: StoreKey | null
}

/**
 * Opens the workspace store. With a key, an unencrypted workspace (from before encryption) is first encrypted in place
 * (encrypt.ts: a copy encrypted and checked, then renamed over it). Then the migration guard, WAL and migrations.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const key = path === ':memory:' ? null : opts.key === undefined ? currentStoreKey() : opts.key
  if (key && !opts.readonly && fileKind(path) === 'plain') encryptInPlace(path, key)
  const db = openSqlite(path, { readonly: opts.readonly, key })
  try {
    checkMigrationPrefix(db)
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // a WAL grown by a bulk write (a bootstrap, with its checkpoints on another thread) is trimmed back to this when
      // it is next reset, instead of keeping its size on disk
      db.pragma('journal_size_limit = 67108864')
      db.pragma('busy_timeout = 5000')
      db.pragma('foreign_keys = OFF')
      // An encrypted file is not memory-mapped (every page is decrypted into SQLite's cache). Its cache stays at 64 MB,
      // as in the clear: measured on the 1M-line grid bench (docs/SECURITY.md), a bigger cache made page p95 worse
      // (256 MB: about 40-50 ms against 22 ms in the clear; 64 MB: 22 ms; 16 MB: 15-19 ms), the OS page cache serving
      // the encrypted pages as well as SQLite's own.
      db.pragma('cache_size = -65536')
      db.pragma('temp_store = MEMORY')
      db.pragma(`mmap_size = ${key ? 0 : 1073741824}`)
      if (opts.migrate ?? true) migrate(db)
    } else {
      db.pragma('cache_size = -65536')
      db.pragma('mmap_size = 1073741824')
    }
    return db
  } catch (e) {
    db.close()
    if (isAppError(e)) throw e
    throw storeAppError(e, path) ?? e
  }
}

export function drizzleOf(db: Db): Drizzle {
  return drizzle(db, { schema })
}

export { schema }
