/// <reference lib="dom" />
// The Sync screen's ledger line (issue 11, attack 2): "Ledger verified up to entry N, signed by sandbox" after the
// embedded sandbox signed its head, and "verification failed at entry N: …" after the database's owner rewrote an entry
// and recomputed the chain. A small sandbox is prepared once (migrated, seeded, three ops pushed, the head signed with
// the sandbox's own key) and copied for each run.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { fromPglite } from '../src/central/client'
import { signLedgerHead } from '../src/central/ledger'
import { applyCentralMigrations } from '../src/central/migrate'
import { asRole } from '../src/central/test-db'
import { rewriteLedgerEntry } from '../src/central/test-ledger'
import { ledgerSigningKeyFor } from '../src/core/sync/remotes/sandbox'
import { seedSmall, type TestCentral } from '../src/core/sync/testing/test-central'
import { openApp, type App } from './fixture'

let root: string
let template: string
let app: App | null = null

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wingtel-e2e-ledger-'))
  template = join(root, 'template')
  mkdirSync(template)
  const pg = await PGlite.create(join(template, 'pgdata'))
  const client = fromPglite(pg)
  await applyCentralMigrations(client)
  await seedSmall({ client } as TestCentral, 10, 1)
  const ops = [1, 2, 3].map((i) => ({ op_id: i, action: 'tag', line_id: 100 * i + 1, params: { tag: 'e2e' }, base_version: 1 }))
  await asRole(client, 'operator', {}, (tx) => tx.query('SELECT push_operations($1::jsonb)', [JSON.stringify({ client_id: 'ws-e2e', ops })]))
  await signLedgerHead(client, ledgerSigningKeyFor(template))
  await pg.close()
})
afterEach(async () => {
  await app?.close()
  app = null
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** A copy of the prepared sandbox; `tamper` rewrites entry 2 as a superuser would, chain and head recomputed. */
async function sandboxCopy(name: string, tamper: boolean): Promise<string> {
  const dir = join(root, name)
  cpSync(template, dir, { recursive: true })
  if (tamper) {
    const pg = await PGlite.create(join(dir, 'pgdata'))
    await rewriteLedgerEntry(fromPglite(pg), 2)
    await pg.close()
  }
  return dir
}

async function verifyOnSyncScreen(theme: 'light' | 'dark', sandbox: string): Promise<string> {
  app = await openApp({ theme, core: { sandbox: { dir: sandbox, lines: 10, months: 1 } } })
  await app.goto('/sync')
  await app.page.waitForSelector('[data-testid=sync-status]')
  await app.page.click('button:has-text("Verify ledger")')
  // opening the sandbox (PGlite from its folder) in the sync thread takes a while on a busy machine
  await app.page.waitForSelector('[data-testid=sync-message]', { timeout: 90_000 })
  const state = await app.page.$('[data-testid=ledger-state]')
  if (!state) throw new Error(`no ledger line; the screen said: ${await app.page.textContent('[data-testid=sync-message]')}`)
  return (await state.textContent()) ?? ''
}

describe('the ledger line on the Sync screen', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`${theme}: verified and signed by the sandbox`, async () => {
      const text = await verifyOnSyncScreen(theme, await sandboxCopy(`ok-${theme}`, false))
      expect(text).toBe('Ledger verified up to entry 3, signed by sandbox')
      expect(await app!.page.textContent('[data-testid=sync-message]')).toContain('signed by sandbox (3 entries)')
      await app!.shot(`ledger-signed-${theme}`)
    })

    test(`${theme}: attack 2, a rewritten and re-chained entry fails at the first signed entry whose hash changed`, async () => {
      const text = await verifyOnSyncScreen(theme, await sandboxCopy(`bad-${theme}`, true))
      expect(text).toMatch(/^Ledger verification failed at entry 3: signed hash differs: entry 3 changed after sandbox signed it on /)
      expect(await app!.page.getAttribute('[data-testid=ledger-state]', 'data-ok')).toBe('false')
      await app!.shot(`ledger-tampered-${theme}`)
    })
  }
})
