/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The grid at 1,000,000 lines (opt-in: WINGTEL_E2E_1M=1, on the shared bench workspace bench-data/demo-1m-3mo.sqlite
// built by `npm run -s bench -- grid`). Prints how long the first page, a jump to the middle, a sort and a filter take
// as a person sees them (API + render), and checks the renderer keeps a bounded block cache.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { formatUs } from '../src/shared/domain/msisdn'
import { gridShows, openApp, type App } from './fixture'

const DB = join(fileURLToPath(new URL('..', import.meta.url)), 'bench-data', 'demo-1m-3mo.sqlite')
const reason = process.env.WINGTEL_E2E_1M !== '1' ? 'set WINGTEL_E2E_1M=1 to run it' : !existsSync(DB) ? `${DB} is missing (npm run -s bench -- grid builds it)` : null

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

declare global {
  // defined in the page by addInitScript below
  function renderedRow(from: number, to: number): { index: number; msisdn: string } | null
}

/** A rendered, loaded row of the grid, and the API's row at the same index under the same query, agree. */
async function shownRowMatches(a: App, query: Parameters<App['caller']['lines']['list']>[0]): Promise<void> {
  const shown = (await a.page.evaluate(() => renderedRow(0, Number.MAX_SAFE_INTEGER)))!
  const api = (await a.caller.lines.list({ ...query, startRow: shown.index, endRow: shown.index + 1 })).rows[0]
  expect(shown.msisdn).toBe(formatUs(api.msisdn))
}

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  const ms = Math.round(performance.now() - t0)
  console.log(`[1M] ${label}: ${ms} ms`)
  return ms
}

describe('grid at 1M lines', () => {
  test('first page, a jump to the middle, a sort and a filter stay interactive', async (ctx) => {
    ctx.skip(reason !== null, `the 1M-line grid test: ${reason}`)
    app = await openApp({ dbPath: DB, noGoto: true })
    await app.page.addInitScript(() => {
      ;(window as unknown as { renderedRow: typeof renderedRow }).renderedRow = (from, to) => {
        for (const row of document.querySelectorAll('[data-testid=subscriber-grid] .ag-row[row-index]')) {
          const index = Number(row.getAttribute('row-index'))
          const msisdn = row.querySelector('[col-id=msisdn]')?.textContent ?? ''
          if (index >= from && index <= to && msisdn) return { index, msisdn }
        }
        return null
      }
    })
    const total = (await app.caller.lines.list({ endRow: 1 })).rowCount
    expect(total).toBeGreaterThanOrEqual(1_000_000)
    const a = app
    await timed('open: page + workspace status', () => a.goto('/subscribers'))
    await timed('first page shown', () => gridShows(a.page, total))
    await timed('jump to the middle (row ~500,000)', async () => {
      await a.page.evaluate(() => {
        // the grid's vertical scroller: the element whose content is the full (virtual) height
        const scroller = [...document.querySelectorAll<HTMLElement>('[data-testid=subscriber-grid] *')].find((e) => e.scrollHeight > 100_000 && e.clientHeight > 0)!
        scroller.scrollTop = scroller.scrollHeight / 2
      })
      await a.page.waitForFunction((n) => renderedRow(n * 0.4, n * 0.6) !== null, total)
    })
    await shownRowMatches(a, {})

    await timed('sort by data used, at the middle', async () => {
      const before = await a.page.evaluate(() => document.body.dataset.gridLoads)
      await a.page.click('.ag-header-cell[col-id=dataUsedMb] .ag-header-cell-label')
      await a.page.waitForFunction((b) => document.body.dataset.gridLoads !== b && document.body.dataset.gridState === 'loaded', before)
    })
    await shownRowMatches(a, { sort: [{ colId: 'dataUsedMb', sort: 'asc' }] })

    const suspended = await app.caller.lines.list({ endRow: 1, sort: [{ colId: 'dataUsedMb', sort: 'asc' }], filter: { status: { filterType: 'set', values: ['suspended'] } } })
    await timed('status set filter', async () => {
      await a.page.hover('.ag-header-cell[col-id=status]')
      await a.page.click('.ag-header-cell[col-id=status] .ag-header-cell-filter-button')
      await a.page.click('[data-testid=set-filter-status] input[data-value=suspended]')
      await gridShows(a.page, suspended.rowCount)
    })
    const heap = await app.page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)
    console.log(`[1M] renderer JS heap after the session: ${Math.round(heap / 1e6)} MB`)
  })
})
