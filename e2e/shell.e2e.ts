/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The shell: command palette, keyboard navigation, help overlay, theme, the first-start progress screen, and a
// malformed API call that gets a typed error while the app keeps working.
import { afterEach, describe, expect, test } from 'vitest'
import { formatUs } from '../src/shared/domain/msisdn'
import { gridShows, openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

describe('shell', () => {
  test('the palette finds a line by a formatted phone number and Enter jumps to it', async () => {
    app = await openApp()
    const target = (await app.caller.lines.list({ startRow: 777, endRow: 778 })).rows[0]
    const ten = target.msisdn.slice(2)
    await app.page.keyboard.press('Control+K')
    await app.page.waitForSelector('[data-testid=palette-input]')
    await app.page.keyboard.type(`${ten.slice(0, 3)}-${ten.slice(3, 6)}-${ten.slice(6)}`)
    await app.page.waitForSelector(`[data-testid=palette-hit]:has-text("${formatUs(target.msisdn)}")`)
    await app.shot('palette-light')
    await app.page.keyboard.press('Enter')
    await app.page.waitForFunction(() => document.body.dataset.detailState === 'loaded')
    expect(await app.page.textContent('[data-testid=detail-msisdn]')).toBe(formatUs(target.msisdn))
  })

  test('the palette reaches every screen and the actions; g-keys and Ctrl+digits navigate', async () => {
    app = await openApp()
    await app.page.click('[data-testid=open-palette]')
    await app.page.keyboard.type('reports')
    await app.page.click('[data-action-id="nav:/reports"]')
    await app.page.waitForFunction(() => location.hash === '#/reports')
    // the palette gives the keyboard back only once it has closed
    await app.page.waitForSelector('[data-testid=palette-input]', { state: 'detached' })
    await app.page.keyboard.press('g')
    await app.page.keyboard.press('y')
    await app.page.waitForFunction(() => location.hash === '#/sync')
    await app.page.keyboard.press('Control+1')
    await app.page.waitForFunction(() => location.hash === '#/subscribers')
    await app.page.waitForFunction(() => document.body.dataset.gridState === 'loaded')
    // `/` focuses the grid's quick search (once the remounted screen has it again)
    await app.page.waitForSelector('[data-testid=quick-search]')
    await app.page.keyboard.press('/')
    await app.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'quick-search')
  })

  test('? opens the help overlay listing the shortcuts', async () => {
    app = await openApp()
    await app.page.locator('body').press('?')
    const help = app.page.locator('.mantine-Modal-content:has-text("Keyboard shortcuts")')
    await help.waitFor()
    for (const text of ['Command palette', 'Go to Subscribers', 'Go to Console', 'Go to Reports', 'Go to Knowledge', 'Go to Sync', 'Toggle light / dark theme'])
      expect(await help.textContent()).toContain(text)
    await app.shot('help-light')
    await app.page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
  })

  test('the theme toggles, and the choice survives a reload', async () => {
    app = await openApp()
    expect(await app.page.evaluate(() => document.body.dataset.theme)).toBe('light')
    await app.page.click('[data-testid=theme-toggle]')
    await app.page.waitForFunction(() => document.body.dataset.theme === 'dark' && document.documentElement.dataset.mantineColorScheme === 'dark')
    await app.page.reload()
    await app.page.waitForFunction(() => document.body.dataset.appState === 'ready' && document.body.dataset.theme === 'dark')
    await app.page.keyboard.press('Control+Shift+L')
    await app.page.waitForFunction(() => document.body.dataset.theme === 'light')
  })

  test('a malformed API call gets a typed error and the app keeps working', async () => {
    app = await openApp()
    const total = (await app.caller.lines.list({ endRow: 1 })).rowCount
    await gridShows(app.page, total)
    const reply = await app.page.evaluate(async (token) => {
      const input = encodeURIComponent(JSON.stringify({ startRow: -5, sort: [{ colId: 'password', sort: 'sideways' }] }))
      const res = await fetch(`/api/trpc/lines.list?input=${input}`, { headers: { 'x-wingtel-token': token } })
      return { status: res.status, body: await res.json() }
    }, app.server.token)
    expect(reply.status).toBe(400)
    expect(reply.body.error.data.appCode).toBe('BAD_INPUT')
    expect(reply.body.error.message).toContain('Invalid input')
    const noToken = await app.page.evaluate(async () => (await fetch('/api/trpc/workspace.status')).status)
    expect(noToken).toBe(401)
    // still working: search and the grid answer
    await app.page.fill('[data-testid=quick-search]', 'zzzz-no-such-thing')
    await gridShows(app.page, 0)
    await app.page.fill('[data-testid=quick-search]', '')
    await gridShows(app.page, total)
  })

  test('first start: the progress screen shows the demo being built, then the app opens', async () => {
    let release!: () => void
    const gate = new Promise<void>((ok) => (release = ok))
    app = await openApp({ workspace: 'empty', core: { demo: { lines: 4000, months: 2, seed: 11 }, demoGate: gate }, noGoto: true })
    await app.page.goto(`${app.server.url}#/subscribers`)
    await app.page.waitForFunction(() => document.body.dataset.appState === 'building')
    await app.page.waitForSelector('[data-testid=workspace-building]')
    await app.shot('first-start-light')
    release()
    await app.page.waitForFunction(() => document.body.dataset.appState === 'ready', undefined, { timeout: 120_000 })
    expect(Number(await app.page.evaluate(() => document.body.dataset.progressEvents))).toBeGreaterThan(0)
    const total = (await app.caller.lines.list({ endRow: 1 })).rowCount
    expect(total).toBeGreaterThan(0)
    await gridShows(app.page, total)
  })
})
