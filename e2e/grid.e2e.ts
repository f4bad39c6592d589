/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The subscriber grid in web mode: loads, sorts, filters (set and number), quick search (a phone number in any
// formatting), layout memory, CSV export of the filtered view, and the hand-off of selected lines to the console.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, test } from 'vitest'
import { formatUs } from '../src/shared/domain/msisdn'
import { columnValues, gridShows, openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

async function waitFirstRow(a: App, expected: string): Promise<void> {
  await a.page.waitForFunction(
    (want) => document.querySelector('[data-testid=subscriber-grid] .ag-row[row-index="0"] [col-id=msisdn]')?.textContent === want,
    expected,
  )
}

async function openFilter(a: App, colId: string): Promise<void> {
  await a.page.hover(`.ag-header-cell[col-id=${colId}]`)
  await a.page.click(`.ag-header-cell[col-id=${colId}] .ag-header-cell-filter-button`)
  await a.page.waitForSelector('.ag-filter')
}

describe('subscriber grid', () => {
  test('loads: row count and the first rows, as the API has them', async () => {
    app = await openApp()
    const expected = await app.caller.lines.list({ startRow: 0, endRow: 5 })
    await gridShows(app.page, expected.rowCount)
    expect(await app.page.textContent('[data-testid=row-count]')).toBe(`${expected.rowCount.toLocaleString('en-US')} of ${expected.rowCount.toLocaleString('en-US')} lines`)
    await waitFirstRow(app, formatUs(expected.rows[0].msisdn))
    const shown = await columnValues(app.page, 'msisdn')
    expect(shown.slice(0, 5)).toEqual(expected.rows.map((r) => formatUs(r.msisdn)))
  })

  test('sorts when a header is clicked (asc, then desc), and remembers the sort after a reload', async () => {
    app = await openApp()
    const asc = await app.caller.lines.list({ startRow: 0, endRow: 1, sort: [{ colId: 'dataUsedMb', sort: 'asc' }] })
    const desc = await app.caller.lines.list({ startRow: 0, endRow: 1, sort: [{ colId: 'dataUsedMb', sort: 'desc' }] })
    await gridShows(app.page, asc.rowCount)
    await app.page.click('.ag-header-cell[col-id=dataUsedMb] .ag-header-cell-label')
    await waitFirstRow(app, formatUs(asc.rows[0].msisdn))
    await app.page.click('.ag-header-cell[col-id=dataUsedMb] .ag-header-cell-label')
    await waitFirstRow(app, formatUs(desc.rows[0].msisdn))
    expect(await app.page.getAttribute('.ag-header-cell[col-id=dataUsedMb]', 'aria-sort')).toBe('descending')

    await app.page.reload()
    await app.page.waitForFunction(() => document.body.dataset.appState === 'ready' && document.body.dataset.gridState === 'loaded')
    await waitFirstRow(app, formatUs(desc.rows[0].msisdn))
  })

  test('filters: the status set filter and a number filter give the API’s row counts', async () => {
    app = await openApp()
    const all = await app.caller.lines.list({ endRow: 1 })
    await gridShows(app.page, all.rowCount)

    const values = await app.caller.lines.distinct({ colId: 'status' })
    expect(values).toContain('suspended')
    const suspended = await app.caller.lines.list({ endRow: 1, filter: { status: { filterType: 'set', values: ['suspended'] } } })
    await openFilter(app, 'status')
    await app.page.click('[data-testid=set-filter-status] input[data-value=suspended]')
    await gridShows(app.page, suspended.rowCount)
    expect(suspended.rowCount).toBeGreaterThan(0)
    expect(suspended.rowCount).toBeLessThan(all.rowCount)
    expect(new Set(await app.page.$$eval('[data-testid=subscriber-grid] [col-id=status] [data-status]', (els) => els.map((e) => e.getAttribute('data-status'))))).toEqual(new Set(['suspended']))
    await app.shot('grid-filtered-status-light')
    await app.page.keyboard.press('Escape')

    // the data filter is typed in GB and sent in MB
    const heavy = await app.caller.lines.list({
      endRow: 1,
      filter: { status: { filterType: 'set', values: ['suspended'] }, dataUsedMb: { filterType: 'number', type: 'greaterThan', filter: 1024 } },
    })
    await openFilter(app, 'dataUsedMb')
    await app.page.click('.ag-filter .ag-picker-field')
    await app.page.click('.ag-list-item:has-text("Greater than")')
    await app.page.fill('.ag-filter-body input', '1')
    await gridShows(app.page, heavy.rowCount)
    expect(heavy.rowCount).toBeLessThan(suspended.rowCount)
    expect(await app.page.textContent('[data-testid=row-count]')).toContain(`${heavy.rowCount.toLocaleString('en-US')} of`)
  })

  test('quick search finds a line by its phone number in any formatting', async () => {
    app = await openApp()
    const target = (await app.caller.lines.list({ startRow: 1234, endRow: 1235 })).rows[0]
    await gridShows(app.page, (await app.caller.lines.list({ endRow: 1 })).rowCount)
    const ten = target.msisdn.slice(2)
    for (const typed of [formatUs(target.msisdn), `${ten.slice(0, 3)}.${ten.slice(3, 6)}.${ten.slice(6)}`, `+1 ${ten}`]) {
      await app.page.fill('[data-testid=quick-search]', typed)
      const expected = await app.caller.lines.list({ endRow: 5, quickSearch: typed })
      expect(expected.rows.map((r) => r.id)).toContain(target.id)
      await gridShows(app.page, expected.rowCount)
      await waitFirstRow(app, formatUs(expected.rows[0].msisdn))
    }
    await app.shot('grid-quick-search-light')
  })

  test('exports the whole filtered view as CSV, streamed by the core', async () => {
    app = await openApp()
    const suspended = await app.caller.lines.list({ endRow: 1, filter: { status: { filterType: 'set', values: ['suspended'] } } })
    await gridShows(app.page, (await app.caller.lines.list({ endRow: 1 })).rowCount)
    await openFilter(app, 'status')
    await app.page.click('[data-testid=set-filter-status] input[data-value=suspended]')
    await gridShows(app.page, suspended.rowCount)
    await app.page.keyboard.press('Escape')
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.click('[data-testid=export-csv]')])
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split(/\r?\n/)
    expect(csv.length).toBe(suspended.rowCount + 1)
  })

  test('hides a column and remembers it; selected lines go to the console', async () => {
    app = await openApp()
    await gridShows(app.page, (await app.caller.lines.list({ endRow: 1 })).rowCount)
    await app.page.click('button:has-text("Columns")')
    await app.page.click('label:text-is("Email")')
    await app.page.waitForSelector('.ag-header-cell[col-id=email]', { state: 'detached' })
    await app.page.keyboard.press('Escape')
    await app.page.reload()
    await app.page.waitForFunction(() => document.body.dataset.gridState === 'loaded')
    expect(await app.page.$('.ag-header-cell[col-id=email]')).toBeNull()

    const boxes = app.page.locator('[data-testid=subscriber-grid] .ag-row .ag-selection-checkbox input')
    await boxes.nth(0).click()
    await boxes.nth(2).click()
    await app.page.waitForSelector('[data-testid=send-to-console]:has-text("Send 2 lines to console")')
    await app.page.click('[data-testid=send-to-console]')
    await app.page.waitForFunction(() => location.hash === '#/console')
  })
})
