// The console end to end in web mode: sign in as a demo user, a sentence → which tier answered → preview (counts,
// blocked reasons, lines) → commit with a confirmation → the batch in History → its rollback. And a role that only
// saves drafts. Waits on rendered markers, never on time.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFakeLlm, type FakeLlm } from '../src/core/console/test-llm-server'
import { openApp, type App } from './fixture'

let app: App | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

async function signIn(a: App, role: string): Promise<void> {
  await a.page.getByRole('combobox', { name: 'Signed in as (demo user)' }).click()
  await a.page.getByRole('option', { name: new RegExp(`— ${role}$`) }).click()
  await a.page.waitForFunction((r) => (document.querySelector('[data-testid=role-switcher] input') as HTMLInputElement | null)?.value.endsWith(r), role)
}

async function previewSentence(a: App, sentence: string): Promise<void> {
  await a.page.fill('[data-testid=console-sentence]', sentence)
  await a.page.press('[data-testid=console-sentence]', 'Enter')
  await a.page.waitForSelector('[data-testid=preview-panel]')
}

describe('console', () => {
  test('sentence → preview → commit → history → rollback', async () => {
    app = await openApp()
    await app.goto('/console')
    await signIn(app, 'operator')
    const sentence = 'Suspend all lines with more than 3 consecutive failed payments'
    await previewSentence(app, sentence)
    expect(await app.page.textContent('[data-testid=parse-tier]')).toContain('local parser')
    expect(await app.page.inputValue('[data-testid=console-canonical]')).toBe('suspend where failed_payments > 3')

    const parsed = await app.caller.console.parse({ text: sentence })
    if (!parsed.ok) throw new Error(parsed.error)
    const expected = await app.caller.console.preview({ command: parsed.command })
    expect(await app.page.textContent('[data-testid=preview-matched]')).toBe(expected.matched.toLocaleString('en-US'))
    expect(await app.page.textContent('[data-testid=preview-affected]')).toBe(expected.affected.toLocaleString('en-US'))
    // the demo workspace has lines among them that are already suspended: the preview always has blocked reasons here,
    // and the panel shows each with its count
    expect(expected.blocked).toBeGreaterThan(0)
    const reasons = expected.blockedReasons.map((r) => [r.label, r.count.toLocaleString('en-US')])
    await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid=blocked-reasons] tbody tr').length === n, reasons.length)
    const shown = await app.page.$$eval('[data-testid=blocked-reasons] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))
    expect(shown).toEqual(reasons)
    await app.page.waitForSelector('[data-testid=preview-grid] .ag-row')
    // the read-back, rendered from the command: what will run, in words
    expect(await app.page.textContent('[data-testid=preview-read-back]')).toBe(expected.readBack)
    expect(expected.readBack).toBe(`Suspend ${expected.matched.toLocaleString('en-US')} lines that have more than 3 consecutive failed payments`)
    await app.shot('console-preview')

    await app.page.click('[data-testid=commit]')
    await app.page.click('[data-testid=confirm-commit]')
    await app.page.waitForSelector('[data-testid=commit-done]')
    expect(await app.page.textContent('[data-testid=commit-done]')).toContain('pending')

    await app.goto('/history')
    await app.page.waitForSelector('[data-testid=history-table]')
    const h = await app.caller.console.history({})
    expect(h.batches[0]).toMatchObject({ kind: 'commit', sentence, opsTotal: expected.affected })
    await app.page.waitForSelector(`[data-batch-id="${h.batches[0].id}"]`)
    await app.shot('history')

    await app.page.click(`[data-batch-id="${h.batches[0].id}"] [data-testid=rollback]`)
    await app.page.waitForSelector('[data-testid=preview-panel]')
    await app.page.click('[data-testid=commit]')
    await app.page.click('[data-testid=confirm-commit]')
    await app.page.waitForFunction(() => !document.querySelector('[data-testid=preview-panel]'))
    const after = await app.caller.console.history({ kind: 'rollback' })
    expect(after.batches[0].rollbackOf).toBe(h.batches[0].id)
  })

  test('an analyst saves a draft; an operator opens it from History and commits it', async () => {
    app = await openApp()
    await app.goto('/console')
    await signIn(app, 'analyst')
    // a cohort the 3,000-line e2e demo is sure to have (the examples file's "suspended in Texas" matches none there)
    await previewSentence(app, 'tag all active lines in Texas for follow-up')
    expect(await app.page.$('[data-testid=commit]')).toBeNull()
    await app.page.click('[data-testid=save-draft]')
    await app.page.click('[data-testid=confirm-commit]')
    await app.page.waitForSelector('[data-testid=commit-done]')
    const h = await app.caller.console.history({ kind: 'draft' })
    expect(h.batches[0]).toMatchObject({ role: 'analyst', opsTotal: 0 })

    // an operator opens the draft from History, sees it previewed again, and commits it
    await app.goto('/history')
    await signIn(app, 'operator')
    await app.page.click(`[data-batch-id="${h.batches[0].id}"] [data-testid=open-draft]`)
    await app.page.waitForSelector('[data-testid=preview-panel] [data-testid=commit]')
    expect(await app.page.inputValue('[data-testid=console-canonical]')).toBe(h.batches[0].canonical)
    await app.page.click('[data-testid=commit]')
    await app.page.click('[data-testid=confirm-commit]')
    await app.page.waitForSelector('[data-testid=commit-done]')
    const c = await app.caller.console.history({ kind: 'commit' })
    expect(c.batches[0]).toMatchObject({ role: 'operator', canonical: h.batches[0].canonical })
  })

  test('a request outside the contract shows the error and a suggestion', async () => {
    app = await openApp()
    await app.goto('/console')
    await app.page.fill('[data-testid=console-sentence]', 'delete all subscribers')
    await app.page.press('[data-testid=console-sentence]', 'Enter')
    await app.page.waitForSelector('[data-testid=parse-error]')
    expect(await app.page.textContent('[data-testid=parse-error]')).toMatch(/not a console action/)
  })
})

// Issue 11: the local parser and the LLM (a local fake speaking OpenAI's protocol) read one sentence differently. The
// console shows both read-backs as cards and commits neither until the operator picks one with "Use this".
describe('console: two readings', () => {
  let llm: FakeLlm
  beforeAll(async () => {
    llm = await startFakeLlm({ action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'status', op: '=', value: 'suspended' }, { field: 'past_due_cents', op: '>', value: 0 }] } })
  })
  afterAll(() => llm.close())
  const SENTENCE = 'resume suspended accounts with a zero balance'

  for (const [theme, pick] of [['light', 'local'], ['dark', 'llm']] as const) {
    test(`both readings shown (${theme}); "Use this" on the ${pick} one previews and commits only it`, async () => {
      app = await openApp({ theme, core: { llm: { baseURL: llm.baseURL, apiKey: 'k', timeoutMs: 5000 } } })
      await app.goto('/console')
      await signIn(app, 'operator')
      await app.page.fill('[data-testid=console-sentence]', SENTENCE)
      await app.page.press('[data-testid=console-sentence]', 'Enter')
      await app.page.waitForSelector('[data-testid=tier-disagreement]')
      expect(await app.page.$('[data-testid=preview-panel]')).toBeNull()
      const readBacks = await app.page.$$eval('[data-testid=candidate-read-back]', (els) => els.map((e) => e.textContent))
      expect(readBacks).toHaveLength(2)
      expect(readBacks[0]).toMatch(/^Resume [\d,]+ suspended lines that owe exactly \$0\.00 past due$/)
      expect(readBacks[1]).toMatch(/^Resume [\d,]+ suspended lines that owe more than \$0\.00 past due$/)
      await app.shot(`console-two-readings-${theme}`)

      await app.page.click(`[data-testid=use-${pick}]`)
      await app.page.waitForSelector('[data-testid=preview-panel] [data-testid=commit]')
      const want = pick === 'local' ? 'resume where status = suspended and past_due_cents = 0' : 'resume where status = suspended and past_due_cents > 0'
      expect(await app.page.inputValue('[data-testid=console-canonical]')).toBe(want)
      expect(await app.page.textContent('[data-testid=preview-read-back]')).toBe(readBacks[pick === 'local' ? 0 : 1])
      await app.shot(`console-picked-${pick}-${theme}`)
      await app.page.click('[data-testid=commit]')
      await app.page.click('[data-testid=confirm-commit]')
      await app.page.waitForSelector('[data-testid=commit-done]')
      const h = await app.caller.console.history({ kind: 'commit' })
      expect(h.batches[0]).toMatchObject({ canonical: want, parser: pick })
    })
  }
})
