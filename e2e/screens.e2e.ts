/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Screenshots of every screen in light and dark, for a person to look at (test-results/, kept as CI artifacts). Each
// screen must render without a page error and show its own content.
import { afterEach, describe, expect, test } from 'vitest'
import { openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

const SCREENS = ['console', 'history', 'reports', 'knowledge', 'sync']

for (const theme of ['light', 'dark'] as const) {
  describe(`screens (${theme})`, () => {
    test(`every screen renders in the ${theme} theme`, async () => {
      app = await openApp({ theme })
      await app.page.waitForFunction((t) => document.body.dataset.theme === t && document.body.dataset.gridState === 'loaded', theme)
      await app.shot(`subscribers-${theme}`)

      const line = (await app.caller.lines.list({ endRow: 1, sort: [{ colId: 'failedPayments', sort: 'desc' }] })).rows[0]
      await app.goto(`/lines/${encodeURIComponent(line.msisdn)}`)
      await app.page.waitForFunction(() => document.body.dataset.detailState === 'loaded')
      await app.page.waitForSelector('[data-testid=usage-chart] svg')
      await app.shot(`detail-${theme}`)
      await app.page.locator('[data-testid=detail-history]').scrollIntoViewIfNeeded()
      await app.shot(`detail-history-${theme}`)

      const failed: string[] = []
      for (const screen of SCREENS) {
        await app.page.click(`[data-testid=nav-${screen}]`)
        await app.page.waitForSelector(`main :is([data-route="/${screen}"], [data-route-error])`)
        await app.shot(`${screen}-${theme}`)
        if (await app.page.$('main [data-route-error]')) failed.push(`${screen}: ${await app.page.textContent('main [data-route-error]')}`)
      }

      await app.page.click('[data-testid=open-palette]')
      await app.page.keyboard.type('go to')
      await app.page.waitForSelector('[data-action-id="nav:/sync"]')
      await app.shot(`palette-${theme}`)
      expect(failed).toEqual([])
    })
  })
}
