/// <reference lib="dom" />
// The Sync screen: live status, the outbox's problems, and backend settings that refuse a bad URL clearly.
import { afterEach, describe, expect, test } from 'vitest'
import { openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

describe('sync screen', () => {
  test('shows the status, an empty outbox, and refuses a malformed Postgres URL with a clear error', async () => {
    app = await openApp()
    await app.goto('/sync')
    await app.page.waitForSelector('[data-testid=sync-status]')
    const status = await app.page.textContent('[data-testid=sync-status]')
    expect(status).toContain('Sandbox')
    expect(status).toContain('never synced')
    expect(await app.page.textContent('[data-testid=sync-problems]')).toContain('None')
    await app.shot('sync-screen-light')
    await app.page.click('[data-testid=sync-settings] >> text=Postgres')
    await app.page.fill('[data-testid=sync-settings] input[placeholder^="postgres://"]', 'mysql://nope')
    await app.page.click('[data-testid=sync-settings] >> text=Save backend')
    await app.page.waitForSelector('[data-testid=sync-settings] .mantine-Alert-root')
    expect(await app.page.textContent('[data-testid=sync-settings] .mantine-Alert-root')).toContain('must start with postgres://')
    expect((await app.caller.sync.getSettings()).source).toBe('sandbox')
  })
})
