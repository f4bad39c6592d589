/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Reports in web mode: the builder runs a report from dropped fields and shows chart, grid and SQL; saving lists it;
// the SQL runner refuses a write and caps rows with the true count; the dashboards render; bill shock hands its lines
// to the console. Waits on app markers (reportState, sqlState), never on time.
import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_LIMITS } from '../src/core/app'
import { openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

describe('reports', () => {
  test('builder: drag a field into dimensions, see chart, grid and SQL, save it', async () => {
    app = await openApp()
    const { page } = app
    await app.goto('/reports')
    await page.waitForSelector('[data-testid=field-plan_code]')
    // drag "Plan" onto the dimensions zone (pointer sensor, small moves)
    const from = (await page.locator('[data-testid=field-plan_code] span').first().boundingBox())!
    const to = (await page.locator('[data-testid=zone-dimensions]').boundingBox())!
    await page.mouse.move(from.x + 10, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(from.x + 30, from.y + from.height / 2, { steps: 4 })
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await page.mouse.up()
    await page.waitForSelector('[data-testid=item-dimensions\\:0]')
    await page.waitForFunction(() => document.body.dataset.reportState === 'loaded' && !!document.querySelector('[data-testid=report-chart] svg'))
    const sql = await page.textContent('[data-testid=report-sql]')
    expect(sql).toContain('GROUP BY 1')
    const expected = await app.caller.reports.run({ spec: { dataset: 'lines', dimensions: [{ field: 'plan_code' }], measures: [{ agg: 'count' }] } })
    expect(await page.locator('[data-testid=report-grid] .ag-row').count()).toBe(expected.rows.length)
    await app.shot('reports-builder')

    await page.click('[data-testid=report-save]')
    await page.fill('[data-testid=report-name-input]', 'Lines by plan')
    await page.click('[data-testid=report-name-submit]')
    await page.waitForSelector('[data-testid="saved-Lines by plan"]')
    expect((await app.caller.reports.list()).map((r) => r.name)).toEqual(['Lines by plan'])
  })

  test('SQL runner: refuses a write, caps rows with the true count', async () => {
    app = await openApp()
    const { page } = app
    await app.goto('/reports')
    await page.click('text=SQL')
    await page.fill('[data-testid=sql-editor]', 'DELETE FROM lines')
    await page.click('[data-testid=sql-run]')
    await page.waitForFunction(() => document.body.dataset.sqlState === 'error')
    expect(await page.textContent('[data-testid=sql-error]')).toContain('read-only')
    expect((await app.caller.workspace.status()).lines).toBe(3000)

    await page.fill('[data-testid=sql-editor]', 'SELECT id, msisdn FROM lines')
    await page.locator('input[value="10000"]').fill('50')
    await page.click('[data-testid=sql-run]')
    await page.waitForFunction(() => document.body.dataset.sqlState === 'done')
    expect(await page.textContent('[data-testid=sql-summary]')).toContain('first 50 of 3,000 rows')
    await app.shot('reports-sql')
  })

  // issue 11, attack 10: a result too big for the byte cap is stopped and says so, in both themes
  for (const theme of ['light', 'dark'] as const) {
    test(`SQL runner: a result over the byte cap comes back truncated with a notice (${theme})`, async () => {
      app = await openApp({ theme, core: { limits: { ...DEFAULT_LIMITS, sqlMaxResultBytes: 64 * 1024 } } })
      const { page } = app
      await app.goto('/reports')
      await page.click('text=SQL')
      await page.fill('[data-testid=sql-editor]', "SELECT id, msisdn, printf('%0500d', id) AS wide FROM lines")
      await page.click('[data-testid=sql-run]')
      await page.waitForFunction(() => document.body.dataset.sqlState === 'done')
      const summary = (await page.textContent('[data-testid=sql-summary]')) ?? ''
      expect(summary).toMatch(/^Showing the first \d+ rows: result truncated at 64 KiB: narrow the query \(fewer columns, a WHERE or a LIMIT\)/)
      expect(Number(/^Showing the first (\d+)/.exec(summary)![1])).toBeLessThan(3000)
      await app.shot(`reports-sql-truncated-${theme}`)
    })
  }

  test('dashboards render and bill shock hands its lines to the console', async () => {
    app = await openApp()
    const { page } = app
    await app.goto('/reports')
    await page.click('text=Dashboards')
    await page.waitForSelector('[data-testid=dash-growth] svg')
    await app.shot('reports-growth')
    for (const [label, id] of [['Churn forecast', 'dash-churn'], ['Revenue waterfall', 'dash-waterfall'], ['Bill shock', 'dash-billshock']] as const) {
      await page.click(`[data-testid=dashboard-picker] >> text=${label}`)
      await page.waitForSelector(`[data-testid=${id}]`, { timeout: 60_000 })
      await app.shot(`reports-${id}`)
    }
    await page.click('[data-testid=billshock-to-console]')
    await page.waitForFunction(() => location.hash.startsWith('#/console'))
    await page.waitForSelector('[data-testid=console-selection]')
  })
})
