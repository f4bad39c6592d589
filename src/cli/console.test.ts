// Issue 11, attack 6: "With --yes, `console commit` committed 1,771 suspends that the model answered for a vague
// sentence." The CLI now asks the LLM tier the app is configured with (here a local fake speaking OpenAI's protocol),
// and --yes commits nothing unless --canonical names the canonical text of what will run, for every tier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestWorkspace } from '../core/reports/test-workspace'
import { startFakeLlm, type FakeLlm } from '../core/console/test-llm-server'
import { cli } from './testing'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
let db: string[]
let llm: FakeLlm
const saved = process.env.WINGTEL_OPENAI_BASE_URL
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 300, months: 2, seed: 5 })
  db = ['--db', t.path]
  llm = await startFakeLlm({ action: 'suspend', params: {}, scope: { kind: 'cohort', where: [] } })
  // read once by the CLI's config, on its first command
  process.env.WINGTEL_OPENAI_BASE_URL = llm.baseURL
})
afterAll(async () => {
  if (saved === undefined) delete process.env.WINGTEL_OPENAI_BASE_URL
  else process.env.WINGTEL_OPENAI_BASE_URL = saved
  await llm?.close()
  t?.dispose()
})

const VAGUE = 'put the problem accounts on ice'
const ops = () => t.ws.db.prepare('SELECT count(*) FROM operations').pluck().get() as number
type Json = Record<string, unknown>

describe('console commit --yes (attack 6)', () => {
  it('refuses --yes for a vague sentence the LLM answered, and prints the canonical text to pass', async () => {
    const r = await cli(['console', 'commit', VAGUE, '--yes', '--as', 'operator', '--json', ...db])
    expect(llm.asked).toContain(VAGUE)
    expect(r.code).toBe(1)
    const j = r.json as Json & { preview: Json }
    expect(j).toMatchObject({ ok: false, code: 'CONFIRM', canonical: ['suspend all'] })
    expect(j.preview).toMatchObject({ tier: 'llm', canonical: 'suspend all', confirm_canonical: true })
    expect(String(j.preview.read_back)).toMatch(/^Suspend EVERY line \(\d+\)$/)
    expect(String(j.error)).toContain("--canonical 'suspend all'")
    expect(ops()).toBe(0)
    // in text: the read-back first, then the refusal
    const text = await cli(['console', 'commit', VAGUE, '--yes', '--as', 'operator', ...db])
    expect(text.code).toBe(1)
    expect(text.out).toMatch(/^>>> Suspend EVERY line/m)
    expect(text.err).toContain("--canonical 'suspend all'")
    expect(ops()).toBe(0)
  })

  it('refuses a --canonical that is not what would run', async () => {
    const r = await cli(['console', 'commit', VAGUE, '--yes', '--canonical', 'suspend where failed_payments > 3', '--as', 'operator', '--json', ...db])
    expect(r.code).toBe(1)
    expect(r.json).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(ops()).toBe(0)
  })

  it('--yes needs --canonical for the local tier too; with it the command is committed', async () => {
    const sentence = 'tag suspended lines as review'
    // the model has nothing to add: the local reading stands alone
    llm.answer = null
    const bare = await cli(['console', 'commit', sentence, '--yes', '--as', 'operator', '--json', ...db])
    expect(bare.json).toMatchObject({ ok: false, code: 'CONFIRM', canonical: ['tag tag=review where status = suspended'] })
    expect(ops()).toBe(0)
    const r = await cli(['console', 'commit', sentence, '--yes', '--canonical', 'tag tag=review where status = suspended', '--as', 'operator', '--json', ...db])
    expect(r.code).toBe(0)
    const j = r.json as Json & { ops: number; preview: { affected: number; read_back: string } }
    expect(j.ops).toBe(j.preview.affected)
    expect(j.preview.read_back).toMatch(/^Tag \d+ suspended lines with "review"$/)
    expect(ops()).toBe(j.ops)
  })

  it('preview prints the read-back, and both readings when the tiers disagree', async () => {
    llm.answer = { action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'status', op: '=', value: 'suspended' }, { field: 'past_due_cents', op: '>', value: 0 }] } }
    const r = await cli(['console', 'preview', 'resume suspended accounts with a zero balance', '--json', ...db])
    expect(r.code).toBe(0)
    const j = r.json as Json & { candidates: Array<{ tier: string; canonical: string; read_back: string }> }
    expect(j.candidates.map((c) => [c.tier, c.canonical])).toEqual([
      ['local', 'resume where status = suspended and past_due_cents = 0'],
      ['llm', 'resume where status = suspended and past_due_cents > 0'],
    ])
    expect(j.candidates[1].read_back).toMatch(/^Resume \d+ suspended lines that owe more than \$0\.00 past due$/)
    const text = await cli(['console', 'preview', 'resume suspended accounts with a zero balance', ...db])
    expect(text.out).toContain('The local parser and the LLM read this differently')
    expect(text.out).toContain("--canonical 'resume where status = suspended and past_due_cents > 0'")
  })
})
