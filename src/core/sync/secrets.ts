// Where the session token (and a direct Postgres URL, which may carry a password) is kept. An interface, so the
// desktop app keeps them with Electron safeStorage (the integrator builds an `EncryptedFileSecretStore` with
// safeStorage's encryptString/decryptString in src/main/index.ts) while headless runs use a plain file readable only
// by its owner (0600).
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { rootLogger } from '../log'

export interface SecretStore {
  /** 'file', 'safeStorage', 'memory'… shown in the settings */
  readonly kind: string
  get(key: string): string | null
  set(key: string, value: string): void
  delete(key: string): void
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory'
  private m = new Map<string, string>()
  get(key: string) {
    return this.m.get(key) ?? null
  }
  set(key: string, value: string) {
    this.m.set(key, value)
  }
  delete(key: string) {
    this.m.delete(key)
  }
}

/** A JSON file of secrets, written atomically with mode 0600; values optionally encrypted by `codec`. */
export class EncryptedFileSecretStore implements SecretStore {
  constructor(
    readonly path: string,
    private codec: { encrypt(plain: string): Buffer; decrypt(data: Buffer): string } | null = null,
    readonly kind: string = codec ? 'safeStorage' : 'file',
  ) {}

  /** The file as last read, by identity: every write renames a new file into place (a new inode), and another
   * process or thread (the sync worker refreshing a session) writes the same way. The API's sign-in guard asks for
   * the session on every call, so an unchanged file is neither read nor decrypted again. */
  private cache: { id: string; all: Record<string, string>; plain: Map<string, string | null> } | null = null

  private read(): Record<string, string> {
    return this.snapshot().all
  }

  private snapshot(): { all: Record<string, string>; plain: Map<string, string | null> } {
    let id: string
    try {
      const st = statSync(this.path)
      id = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`
    } catch {
      // no file yet: nothing stored
      return { all: {}, plain: new Map() }
    }
    if (this.cache?.id === id) return this.cache
    let all: Record<string, string> = {}
    try {
      all = JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>
    } catch (e) {
      // an unreadable secrets file is a signed-out workspace: the user signs in again
      rootLogger().child({ domain: 'sync' }).warn({ err: e, path: this.path }, 'unreadable secrets file')
    }
    this.cache = { id, all, plain: new Map() }
    return this.cache
  }

  private write(all: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true })
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.path)
  }

  get(key: string): string | null {
    const snap = this.snapshot()
    const v = snap.all[key]
    if (v === undefined) return null
    if (!this.codec) return v
    if (snap.plain.has(key)) return snap.plain.get(key) ?? null
    let plain: string | null = null
    try {
      plain = this.codec.decrypt(Buffer.from(v, 'base64'))
    } catch (e) {
      // sealed by another OS keychain or user: treated as absent, so the user signs in again
      rootLogger().child({ domain: 'sync' }).warn({ err: e }, 'cannot decrypt a stored secret')
    }
    snap.plain.set(key, plain)
    return plain
  }

  set(key: string, value: string): void {
    const all = { ...this.read() }
    all[key] = this.codec ? this.codec.encrypt(value).toString('base64') : value
    this.write(all)
  }

  delete(key: string): void {
    const all = { ...this.read() }
    if (!(key in all)) return
    delete all[key]
    this.write(all)
  }
}

/** The headless store: `<workspace dir>/<workspace name>.secrets.json`, mode 0600. */
export function fileSecretStoreFor(dbPath: string): SecretStore {
  const path = dbPath === ':memory:' ? '' : `${dbPath.replace(/\.sqlite$/, '')}.secrets.json`
  return path ? new EncryptedFileSecretStore(path) : new MemorySecretStore()
}
