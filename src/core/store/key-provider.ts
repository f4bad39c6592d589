// Where the workspace key comes from (issue 11, "Local data at rest"). A WorkspaceKeyProvider hands the front end the
// raw 32-byte key of a workspace, creating it on first use; the front end gives it to setStoreKey (cipher.ts) before
// anything opens the store. The key never enters the workspace file or the log.
// - Desktop: a random key kept encrypted by the OS keychain (Electron safeStorage, src/main) in a 0600 file beside the
//   workspace (`<workspace>.key`): a copied workspace is unreadable without this machine's keychain and user.
// - A passphrase (WINGTEL_DB_PASSPHRASE; the desktop app's opt-in where the keychain is only `basic_text`): scrypt of
//   the passphrase with a random salt kept beside the workspace (`<workspace>.salt`, not secret).
// - Headless (CLI, web mode) without a passphrase: a random key in a 0600 file in WINGTEL_HOME. It only protects a
//   workspace that leaves without its key file (a backup, a copied or synced file, a ticket attachment); anyone who can
//   read the key file as this user can read the workspace. docs/SECURITY.md has the trade-off.
import { randomBytes, scryptSync } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { AppError } from '../../shared/api/errors'

export interface WorkspaceKeyProvider {
  /** what keeps the key, for the log and the status ("OS keychain", "passphrase", "key file …") */
  readonly kind: string
  /** the raw 32-byte key of the workspace at `dbPath`, created on first use */
  keyFor(dbPath: string): Buffer
}

/** Encrypts and decrypts small secrets with the OS (Electron safeStorage in src/main). */
export interface KeyVault {
  encrypt(plain: string): Buffer
  decrypt(sealed: Buffer): string
}

/** Writes `data` to a new 0600 file at `path` (temporary name, then renamed: never a half-written key). */
export function writePrivateFile(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

function readOrCreate(path: string, create: () => string | Buffer): Buffer {
  if (!existsSync(path)) {
    const data = create()
    try {
      // 'wx': two processes starting at once must not each make their own key
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
      } finally {
        closeSync(fd)
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  return readFileSync(path)
}

function rawKey(hex: string, from: string): Buffer {
  const key = Buffer.from(hex.trim(), 'hex')
  if (key.length !== 32) throw new AppError('DB_LOCKED_KEY', `The workspace key in ${from} is not a 32-byte hex key. It was left as it is; restore it from a backup.`)
  return key
}

/** A random key in a 0600 file (headless default: `<WINGTEL_HOME>/workspace.key`). */
export function keyFileProvider(keyPath: string): WorkspaceKeyProvider {
  return {
    kind: `key file ${keyPath}`,
    keyFor() {
      mkdirSync(dirname(keyPath), { recursive: true })
      return rawKey(readOrCreate(keyPath, () => `${randomBytes(32).toString('hex')}\n`).toString('utf8'), keyPath)
    },
  }
}

/** scrypt cost: about 50 ms once per start, 64 MB of memory. */
const SCRYPT = { N: 1 << 16, r: 8, p: 1, maxmem: 128 * 1024 * 1024 }

/** A key derived from a passphrase with a random salt kept in `saltPath` (default: `<workspace>.salt`). */
export function passphraseProvider(passphrase: string, saltPath?: string): WorkspaceKeyProvider {
  if (passphrase.length < 8) throw new AppError('BAD_INPUT', 'The workspace passphrase (WINGTEL_DB_PASSPHRASE) must be at least 8 characters long.')
  return {
    kind: 'passphrase',
    keyFor(dbPath) {
      const path = saltPath ?? `${dbPath}.salt`
      mkdirSync(dirname(path), { recursive: true })
      const salt = readOrCreate(path, () => randomBytes(16))
      return scryptSync(passphrase.normalize('NFC'), salt, 32, SCRYPT)
    },
  }
}

/** A random key kept sealed by the OS keychain in a 0600 file beside the workspace (`<workspace>.key`). */
export function vaultProvider(vault: KeyVault, kind = 'OS keychain'): WorkspaceKeyProvider {
  return {
    kind,
    keyFor(dbPath) {
      const path = `${dbPath}.key`
      mkdirSync(dirname(path), { recursive: true })
      const sealed = readOrCreate(path, () => vault.encrypt(randomBytes(32).toString('hex')))
      let hex: string
      try {
        hex = vault.decrypt(sealed)
      } catch (e) {
        throw new AppError('DB_LOCKED_KEY', `The OS keychain cannot unseal this workspace's key (${path}): ${(e as Error).message}. It was left as it is; sign in as the user who created it.`)
      }
      return rawKey(hex, path)
    },
  }
}

export interface KeySettings {
  /** 'on' (default): encrypt with the provider the front end gives, else the passphrase, else the key file; 'off': never */
  encryption: 'on' | 'off'
  passphrase: string | null
  /** the headless key file */
  keyFile: string
  /** the headless passphrase's salt file */
  saltFile: string
}

/** The provider for a headless run (CLI, web mode), or null when encryption is off. */
export function headlessKeyProvider(s: KeySettings): WorkspaceKeyProvider | null {
  if (s.encryption === 'off') return null
  return s.passphrase ? passphraseProvider(s.passphrase, s.saltFile) : keyFileProvider(s.keyFile)
}

/** What the desktop app knows of the OS keychain (Electron safeStorage). */
export interface Keychain {
  available: boolean
  /** Linux only: safeStorage.getSelectedStorageBackend() ('basic_text', 'gnome_libsecret', 'kwallet5'…) */
  backend: string | null
  vault: KeyVault
}

/**
 * The desktop app's provider: the OS keychain; a passphrase only when the user opted in (WINGTEL_DB_PASSPHRASE). On
 * Linux the `basic_text` backend "encrypts" with a hard-coded password, so a key sealed by it is as good as plain
 * text: refused, with what to do instead.
 */
export function desktopKeyProvider(s: KeySettings, keychain: Keychain): WorkspaceKeyProvider | null {
  if (s.encryption === 'off') return null
  if (s.passphrase) return passphraseProvider(s.passphrase)
  if (!keychain.available || keychain.backend === 'basic_text') {
    const why = keychain.available ? 'only offers its "basic_text" backend, which does not protect anything (no keyring such as GNOME Keyring or KWallet is running)' : 'is not available'
    throw new AppError(
      'DB_LOCKED_KEY',
      `The workspace is encrypted with a key kept in the OS keychain, but the keychain ${why}. Start a keyring and open Wingtel Ops again, or opt in to a passphrase: start it with WINGTEL_DB_PASSPHRASE set (at least 8 characters; it cannot be recovered if forgotten).`,
    )
  }
  return vaultProvider(keychain.vault)
}
