// The file secret store: 0600, values sealed by the codec, and an unchanged file neither read nor decrypted again
// (the sign-in guard asks for the session on every API call), while a write by another instance (the sync worker
// refreshing a session) is seen at once.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EncryptedFileSecretStore } from './secrets'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function codec() {
  const c = {
    decrypts: 0,
    encrypt: (plain: string) => Buffer.from([...plain].reverse().join(''), 'utf8'),
    decrypt: (data: Buffer) => {
      c.decrypts++
      return [...data.toString('utf8')].reverse().join('')
    },
  }
  return c
}

describe('EncryptedFileSecretStore', () => {
  it('decrypts a value once while the file is unchanged, and sees another writer at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-secrets-'))
    dirs.push(dir)
    const path = join(dir, 'ws.secrets.json')
    const c = codec()
    const mine = new EncryptedFileSecretStore(path, c)
    const worker = new EncryptedFileSecretStore(path, codec())
    mine.set('session', 'token-1')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(mine.get('session')).toBe('token-1')
    expect(mine.get('session')).toBe('token-1')
    expect(c.decrypts).toBe(1)
    worker.set('session', 'token-2')
    expect(mine.get('session')).toBe('token-2')
    worker.delete('session')
    expect(mine.get('session')).toBeNull()
    expect(mine.get('missing')).toBeNull()
  })
})
