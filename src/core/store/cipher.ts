// The workspace encrypted at rest: SQLCipher 4 pages (AES-256-CBC) through better-sqlite3-multiple-ciphers, without
// SQLCipher's per-page HMAC. Measured on a full scan of a 100 MB workspace (CPU, every page decrypted): the clear file
// 59 ms, AES-256-CBC 68 ms (+15 %), with HMAC-SHA512 (SQLCipher's default) 169 ms (+186 %), HMAC-SHA1 124 ms,
// ChaCha20-Poly1305 144 ms. With the HMAC the grid's pages cost 60 % more CPU on the 1M-line bench, past the 20 % the
// issue allows; without it, the key still keeps the data unreadable, and damage is caught by quick_check at open
// (integrity.ts). A tampered page is not detected as such: whoever can write the file is outside what this protects
// against (docs/SECURITY.md). The sqlcipher CLI opens the file with `PRAGMA cipher_use_hmac = OFF`. The process holds one raw 32-byte store key (setStoreKey, from a WorkspaceKeyProvider
// at a front end's start); every SQLite file of the workspace — the store, its sidecars, scratch and shard files — is
// opened with it by openSqlite (open.ts), and every ATTACH names it (attachStore). Worker threads get the key through
// Node's environment data (set here before any worker starts, inherited by nested workers); child processes get it in
// their request message. A raw key needs no KDF, so an open costs nothing extra.
import { chmodSync, closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** A raw 32-byte key, hex-encoded (64 hex digits). */
export type StoreKey = string

const ENV_KEY = 'wingtel:store-key'
const HEX_KEY = /^[0-9a-f]{64}$/

let processKey: StoreKey | null | undefined

/** Sets the key every SQLite file of this process (and of the worker threads it starts after this) is opened with. */
export function setStoreKey(key: Buffer | StoreKey | null): void {
  const hex = key === null ? null : typeof key === 'string' ? key.toLowerCase() : key.toString('hex')
  if (hex !== null && !HEX_KEY.test(hex)) throw new Error('a workspace key is 32 bytes')
  processKey = hex
  setEnvironmentData(ENV_KEY, hex ?? undefined)
}

/** The key of this process (or, in a worker thread, the one its parent had when it started it); null: no encryption. */
export function currentStoreKey(): StoreKey | null {
  if (processKey !== undefined) return processKey
  const inherited = getEnvironmentData(ENV_KEY)
  return typeof inherited === 'string' && HEX_KEY.test(inherited) ? inherited : null
}

/** Applies `key` to a connection just opened, before anything reads the file. */
export function applyKey(db: Database.Database, key: StoreKey): void {
  db.pragma("cipher = 'sqlcipher'")
  db.pragma('legacy = 4')
  db.pragma('hmac_use = 0')
  db.pragma(`key = "x'${key}'"`)
}

/** Sets the cipher (as applyKey) and re-encrypts an unencrypted file with `key` (encrypt.ts). */
export function rekeyPlain(db: Database.Database, key: StoreKey): void {
  db.pragma("cipher = 'sqlcipher'")
  db.pragma('legacy = 4')
  db.pragma('hmac_use = 0')
  db.pragma(`rekey = "x'${key}'"`)
}

/** ATTACHes another SQLite file of the workspace under `alias`, with the store key (or none). */
export function attachStore(db: Database.Database, path: string, alias: string, key: StoreKey | null = currentStoreKey()): void {
  if (!/^[a-z_]+$/.test(alias)) throw new Error(`bad alias ${alias}`)
  db.prepare(`ATTACH DATABASE ? AS ${alias} KEY ?`).run(path, key ? `x'${key}'` : '')
}

const SQLITE_HEADER = 'SQLite format 3\u0000'

/** 'empty' (absent or 0 bytes), 'plain' (an unencrypted SQLite header) or 'other' (encrypted, or not SQLite at all). */
export function fileKind(path: string): 'empty' | 'plain' | 'other' {
  if (path === ':memory:' || path === '' || !existsSync(path) || statSync(path).size === 0) return 'empty'
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(16)
    const n = readSync(fd, buf, 0, 16, 0)
    return n === 16 && buf.toString('latin1') === SQLITE_HEADER ? 'plain' : 'other'
  } finally {
    closeSync(fd)
  }
}

/**
 * Makes `path` exist with mode 0600 before SQLite creates it, so that the store and the -wal/-shm/-journal files SQLite
 * derives from it (it copies the database file's mode) are never readable by others, whatever the umask; an existing
 * file is brought down to 0600.
 */
export function ensurePrivateFile(path: string): void {
  if (path === ':memory:' || path === '') return
  if (!existsSync(path)) {
    try {
      closeSync(openSync(path, 'wx', 0o600))
    } catch (e) {
      // somebody else created it between the check and here: fall through to the chmod
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600)
    } catch (e) {
      // a file we do not own (a read-only copy): its mode is its owner's business; the open goes on
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e
    }
  }
}
