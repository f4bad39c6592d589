/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The line detail: opened from the grid (double-click and Enter), deep links in any phone formatting, and a clear
// "not found" naming what was searched.
import { afterEach, describe, expect, test } from 'vitest'
import { formatUs } from '../src/shared/domain/msisdn'
import { gridShows, openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

async function detailLoaded(a: App, msisdn: string): Promise<void> {
  await a.page.waitForFunction(() => document.body.dataset.detailState === 'loaded')
  expect(await a.page.textContent('[data-testid=detail-msisdn]')).toBe(formatUs(msisdn))
}

describe('line detail', () => {
  test('double-click on a row opens its detail: MSISDN, usage chart, invoices, history', async () => {
    app = await openApp()
    const page = await app.caller.lines.list({ endRow: 20, sort: [{ colId: 'dataUsedMb', sort: 'desc' }], filter: { status: { filterType: 'set', values: ['active'] } } })
    await app.page.fill('[data-testid=quick-search]', page.rows[0].msisdn)
    await gridShows(app.page, 1)
    await app.page.dblclick('[data-testid=subscriber-grid] .ag-row[row-index="0"] [col-id=accountName]')
    await app.page.waitForFunction((m) => decodeURIComponent(location.hash) === `#/lines/${m}`, page.rows[0].msisdn)
    await detailLoaded(app, page.rows[0].msisdn)

    const detail = await app.caller.lines.detail({ ref: page.rows[0].msisdn })
    expect(detail.usage.daily.length).toBeGreaterThan(0)
    await app.page.waitForSelector('[data-testid=usage-chart] .recharts-area-area')
    expect(await app.page.locator('[data-testid=invoice]').count()).toBe(detail.invoices.length)
    expect(detail.invoices.length).toBeGreaterThan(0)
    // an invoice expands to its items
    await app.page.locator('[data-testid=invoice] button').first().click()
    await app.page.waitForSelector(`[data-testid=invoice] :text("${detail.invoices[0].items[0].description}")`)
    expect(await app.page.textContent('[data-testid=detail-account]')).toContain(detail.account.name)
    await app.shot('detail-light')
  })

  test('Enter on a focused row opens the detail', async () => {
    app = await openApp()
    const first = (await app.caller.lines.list({ endRow: 1 })).rows[0]
    await gridShows(app.page, (await app.caller.lines.list({ endRow: 1 })).rowCount)
    await app.page.click('[data-testid=subscriber-grid] .ag-row[row-index="0"] [col-id=accountName]')
    await app.page.keyboard.press('Enter')
    await detailLoaded(app, first.msisdn)
  })

  test('a deep link opens the line, whatever the phone formatting; another line of the account is one click away', async () => {
    app = await openApp({ noGoto: true })
    const accounts = await app.caller.lines.list({ endRow: 200, sort: [{ colId: 'accountId', sort: 'asc' }] })
    // two lines of one account: neighbours in account order
    const i = accounts.rows.findIndex((r, k) => accounts.rows[k + 1]?.accountId === r.accountId)
    const family = accounts.rows.slice(i, i + 2)
    await app.goto(`/lines/${encodeURIComponent(formatUs(family[0].msisdn))}`)
    await detailLoaded(app, family[0].msisdn)
    await app.page.click(`[data-testid=other-line]:text-is("${formatUs(family[1].msisdn)}")`)
    await app.page.waitForFunction((m) => document.querySelector('[data-testid=detail-msisdn]')?.textContent === m, formatUs(family[1].msisdn))
  })

  test('an unknown number says clearly that nothing was found for it', async () => {
    app = await openApp({ noGoto: true })
    await app.goto('/lines/(555) 010-9999')
    await app.page.waitForFunction(() => document.body.dataset.detailState === 'not-found')
    expect(await app.page.textContent('[data-testid=detail-error]')).toContain('(555) 010-9999')
    await app.shot('detail-not-found-light')
  })
})
