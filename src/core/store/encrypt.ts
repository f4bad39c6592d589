// Encrypting a workspace written before encryption existed, on its first open with a key. SQLite3 Multiple Ciphers
// cannot rekey a WAL database and sqlcipher_export is not in this build, so: checkpoint the plain file, copy it beside
// itself (`<store>.encrypting`), rekey the copy in rollback-journal mode (every page rewritten encrypted), check that it
// opens with the key, then rename it over the original. Until that rename the original is untouched and is the backup:
// a run killed at any point leaves either the plain workspace (and a stale copy, removed by the next attempt) or the
// encrypted one, never half of each. It needs the store's size again in free space for the copy.
import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { AppError, storeAppError } from '../../shared/api/errors'
import { domainLogger } from '../log'
import { applyKey, ensurePrivateFile, fileKind, rekeyPlain, type StoreKey } from './cipher'

const log = domainLogger('store')

/** True when `path` holds bytes that are neither an SQLite header nor text: an encrypted store, most likely. */
export function looksEncrypted(path: string): boolean {
  if (fileKind(path) !== 'other') return false
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(64)
    const n = readSync(fd, buf, 0, 64, 0)
    const text = buf.subarray(0, n).filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length
    return n >= 16 && text < n * 0.9
  } finally {
    closeSync(fd)
  }
}

function sidecarsOf(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`, `${path}-journal`]
}

/** Encrypts the unencrypted workspace at `path` with `key`, in place (see the top of this file). */
export function encryptInPlace(path: string, key: StoreKey): void {
  const t0 = performance.now()
  const tmp = `${path}.encrypting`
  for (const f of [tmp, ...sidecarsOf(tmp)]) rmSync(f, { force: true })
  try {
    // fold the WAL into the file, so that the copy is the whole workspace
    const plain = new Database(path)
    try {
      plain.pragma('wal_checkpoint(TRUNCATE)')
      plain.pragma('journal_mode = DELETE')
    } finally {
      plain.close()
    }
    ensurePrivateFile(tmp)
    copyFileSync(path, tmp)
    ensurePrivateFile(tmp) // copyFile gives the copy the original's mode
    const db = new Database(tmp)
    try {
      db.pragma('journal_mode = DELETE')
      rekeyPlain(db, key)
    } finally {
      db.close()
    }
    const check = new Database(tmp, { fileMustExist: true })
    try {
      applyKey(check, key)
      check.prepare('SELECT count(*) FROM sqlite_master').get()
    } finally {
      check.close()
    }
    if (fileKind(tmp) !== 'other') throw new Error('the encrypted copy still has a plain SQLite header')
    for (const f of sidecarsOf(path)) rmSync(f, { force: true })
    renameSync(tmp, path)
    // derived data in the clear goes: the dashboards' summaries are rebuilt, encrypted, on their next use
    for (const f of [`${path}.dashboards`, ...sidecarsOf(`${path}.dashboards`)]) rmSync(f, { force: true })
    log().info({ path, mb: Math.round(statSync(path).size / 1048576), ms: Math.round(performance.now() - t0) }, 'workspace encrypted in place')
  } catch (e) {
    for (const f of [tmp, ...sidecarsOf(tmp)]) if (existsSync(f)) rmSync(f, { force: true })
    const mapped = storeAppError(e, path)
    throw mapped ?? new AppError('DB_IO', `Encrypting the workspace ${path} failed: ${(e as Error).message}. The unencrypted workspace was left as it was.`)
  }
}
