/// <reference lib="dom" />
// Identity in the UI (issue 11): a sandbox demo user is marked DEMO in the status bar; "Lock now" locks the app, the
// server then refuses data (not just the overlay), and unlocking brings the screen back. Light and dark screenshots.
import { afterEach, describe, expect, test } from 'vitest'
import { openApp, type App } from './fixture'

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
