/// <reference lib="dom" />
// Identity in the UI (issue 11): a sandbox demo user is marked DEMO in the status bar; "Lock now" locks the app, the
// server then refuses data (not just the overlay), and unlocking brings the screen back. With Supabase: sign-in, then
// the two-step enrolment and code the server requires for the admin role (the loopback GoTrue). Light and dark.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFakeGoTrue, totpCode, type FakeGoTrue } from '../src/adapters/supabase-auth/testing'
import { openApp, type App } from './fixture'

const ADMIN = { email: 'adam@wingtel.example', password: 'admin-pass-1' }
let gotrue: FakeGoTrue
beforeAll(async () => {
  gotrue = await startFakeGoTrue({ users: [{ ...ADMIN, role: 'admin', mfaRequired: true }] })
})
afterAll(async () => {
  await gotrue?.close()
})

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

describe('identity', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`${theme}: DEMO badge for a sandbox demo user; lock refuses data server side until unlocked`, async () => {
      app = await openApp({ theme })
      await app.caller.console.session.signInDemo({ role: 'operator' })
      await app.goto('/subscribers')
      await app.page.waitForSelector('[data-testid=demo-badge]')
      expect(await app.page.textContent('[data-testid=status-identity]')).toContain('olivia.operator@wingtel.example · operator')
      await app.shot(`identity-demo-badge-${theme}`)
      await app.page.click('[data-testid=lock-now]')
      await app.page.waitForSelector('[data-testid=lock-screen]')
      // the server refuses data while locked, whatever the page shows
      await expect(app.caller.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/locked/)
      await app.shot(`identity-locked-${theme}`)
      await app.page.click('[data-testid=unlock]')
      await app.page.waitForSelector('[data-testid=lock-screen]', { state: 'detached' })
      await app.page.waitForSelector('.ag-row')
      expect((await app.caller.lines.list({ startRow: 0, endRow: 1 })).rows.length).toBe(1)
    })
  }
})

describe('identity in the sandbox', () => {
  test('the status bar follows the demo user picked in the console, and says when none is chosen', async () => {
    app = await openApp({ theme: 'light' })
    await app.goto('/console')
    await app.page.waitForFunction(() => document.querySelector('[data-testid=status-identity]')?.textContent?.includes('no demo user chosen'))
    // the header names the same person as the status bar (before: the sync's role, "operator (sandbox demo)")
    expect(await app.page.textContent('[data-testid=role-indicator]')).toBe('no demo user chosen')
    await app.page.getByRole('combobox', { name: 'Signed in as (demo user)' }).click()
    await app.page.getByRole('option', { name: /— finance$/ }).click()
    // before the fix the status bar kept "signed out" until its next poll while the console showed the finance user
    await app.page.waitForFunction(() => document.querySelector('[data-testid=status-identity]')?.textContent?.includes('· finance'), undefined, { timeout: 10_000 })
    expect(await app.page.textContent('[data-testid=status-identity]')).toMatch(/DEMO.*· finance/)
    await app.page.waitForFunction(() => document.querySelector('[data-testid=role-indicator]')?.textContent?.startsWith('finance (sandbox demo) · '))
    await app.shot('identity-sandbox-finance-light')
  })
})

describe('identity with Supabase (loopback GoTrue)', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`${theme}: sign in, enrol an authenticator, verify the code; the role is the server's`, async () => {
      app = await openApp({ theme, noGoto: true })
      await app.caller.sync.setSettings({ source: 'supabase', supabaseUrl: gotrue.url, supabaseAnonKey: 'anon-key-for-tests' })
      await app.goto('/subscribers')
      await app.page.waitForSelector('[data-testid=sign-in]')
      await app.page.locator('[data-testid=sign-in]').getByLabel('Email', { exact: true }).fill(ADMIN.email)
      await app.page.locator('[data-testid=sign-in] input[type=password]').fill('wrong')
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await app.page.waitForSelector('[data-testid=sign-in] .mantine-Alert-root')
      expect(await app.page.textContent('[data-testid=sign-in] .mantine-Alert-root')).toContain('Invalid login credentials')
      await app.page.locator('[data-testid=sign-in] input[type=password]').fill(ADMIN.password)
      await app.shot(`identity-sign-in-${theme}`)
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await app.page.waitForSelector('[data-testid=mfa]')
      await app.page.getByRole('button', { name: 'Set up an authenticator' }).click()
      const secret = (await (await app.page.waitForSelector('[data-testid=mfa-secret]')).textContent())!.trim()
      await app.page.getByLabel('6-digit code').fill(totpCode(secret, gotrue.now() * 1000))
      await app.shot(`identity-mfa-${theme}`)
      await app.page.getByRole('button', { name: 'Verify' }).click()
      await app.page.waitForSelector('[data-testid=mfa]', { state: 'detached' })
      await app.page.waitForSelector('[data-testid=status-identity]')
      await app.page.waitForFunction(() => document.querySelector('[data-testid=status-identity]')?.textContent?.includes('adam@wingtel.example · admin'))
      expect(await app.page.$('[data-testid=demo-badge]')).toBeNull()
      expect(await app.caller.auth.state()).toMatchObject({ mode: 'server', step: 'signed-in', aal: 'aal2', user: { role: 'admin' } })
    })
  }
})
