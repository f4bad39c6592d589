/// <reference lib="dom" />
// Knowledge: a support agent asks why a line was suspended and gets an answer with evidence and working links.
import { afterEach, describe, expect, test } from 'vitest'
import { formatUs } from '../src/shared/domain/msisdn'
import { openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

describe('knowledge', () => {
  test('why was a line suspended: the answer names the date and cause, and links to the line', async () => {
    app = await openApp()
    const suspended = (await app.caller.lines.list({ endRow: 1, filter: { status: { filterType: 'set', values: ['suspended'] } } })).rows[0]
    expect(suspended).toBeDefined()
    await app.goto('/knowledge')
    await app.page.fill('[data-testid=ask-input]', `why was line ${formatUs(suspended.msisdn)} suspended?`)
    await app.page.press('[data-testid=ask-input]', 'Enter')
    await app.page.waitForSelector('[data-testid=answer]')
    const text = await app.page.textContent('[data-testid=answer]')
    expect(text).toContain(formatUs(suspended.msisdn))
    expect(text).toMatch(/was suspended on \d{4}-\d{2}-\d{2}/)
    await app.shot('knowledge-answer-light')
    await app.page.click(`[data-testid=answer] a[href="#/lines/${encodeURIComponent(suspended.msisdn)}"] >> nth=0`)
    await app.page.waitForFunction(() => document.body.dataset.detailState === 'loaded')
    expect(await app.page.textContent('[data-testid=detail-msisdn]')).toBe(formatUs(suspended.msisdn))
  })

  test('an unknown number gets a clear answer, not an error', async () => {
    app = await openApp()
    await app.goto('/knowledge')
    await app.page.fill('[data-testid=ask-input]', 'why was line 555-123-4567 suspended?')
    await app.page.press('[data-testid=ask-input]', 'Enter')
    await app.page.waitForSelector('[data-testid=answer]')
    expect(await app.page.textContent('[data-testid=answer]')).toContain('No line with MSISDN +15551234567')
  })
})
