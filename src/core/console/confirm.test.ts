// Issue 11, attack 6 ("an LLM's reading is committed unseen") and tier disagreement, through the API: an LLM-tier
// preview commits only with the canonical text the person saw; when the local and the LLM tier disagree, the preview
// holds both readings and commits neither until one is picked. The model is a local fake speaking OpenAI's protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi, createCaller } from '../app'
import type { Workspace } from '../store'
import { parseSentence } from './parse'
import { demoWorkspace, failure } from './test-support'
import { startFakeLlm, type FakeLlm } from './test-llm-server'

let llm: FakeLlm
beforeAll(async () => {
  llm = await startFakeLlm()
})
afterAll(() => llm.close())

const SUSPEND_ALL = { action: 'suspend', params: {}, scope: { kind: 'cohort', where: [] } }
const VAGUE = 'put the problem accounts on ice'

function api(ws: Workspace, crossCheck = true) {
  return createCaller(createApi(ws, { llm: { baseURL: llm.baseURL, apiKey: 'k', timeoutMs: 5000, crossCheck } }))
}
const ops = (ws: Workspace) => ws.db.prepare('SELECT count(*) FROM operations').pluck().get() as number

describe('attack 6: an LLM reading is never committed without the canonical text a person saw', () => {
  it('refuses commit({previewId}) of an LLM-tier preview; commits with its canonical', async () => {
    const ws = await demoWorkspace(400)
    try {
      const c = api(ws)
      await c.console.session.signInDemo({ role: 'operator' })
      llm.answer = SUSPEND_ALL
      const parsed = await c.console.parse({ text: VAGUE, tier: 'auto' })
      expect(parsed).toMatchObject({ ok: true, tier: 'llm', canonical: 'suspend all', readBack: 'Suspend EVERY line' })
      if (!parsed.ok) return
      const p = await c.console.preview({ sentence: VAGUE, command: parsed.command, parser: parsed.tier })
      expect(p).toMatchObject({ confirmCanonical: true, readBack: `Suspend EVERY line (${p.matched})` })
      const refused = await failure(c.console.commit({ previewId: p.previewId }))
      expect(refused.code).toBe('CONFLICT')
      expect(refused.message).toContain('suspend all')
      expect(ops(ws)).toBe(0)
      // a different canonical is not a confirmation of this one
      expect((await failure(c.console.commit({ previewId: p.previewId, canonical: 'suspend where failed_payments > 3' }))).code).toBe('CONFLICT')
      expect(ops(ws)).toBe(0)
      // naming another tier for the LLM's command does not skip the confirmation
      const relabelled = await c.console.preview({ sentence: VAGUE, command: parsed.command, parser: 'canonical' })
      expect(relabelled).toMatchObject({ parser: 'llm', confirmCanonical: true })
      expect((await failure(c.console.commit({ previewId: relabelled.previewId }))).code).toBe('CONFLICT')
      expect(ops(ws)).toBe(0)
      const done = await c.console.commit({ previewId: p.previewId, canonical: 'suspend  all' })
      expect(done.ops).toBe(p.affected)
      expect(ops(ws)).toBe(p.affected)
    } finally {
      ws.close()
    }
  })
})

describe('tier disagreement: both readings shown, neither committed until one is picked', () => {
  it('parse gives both candidates with their read-backs', async () => {
    llm.answer = { action: 'suspend', params: {}, scope: { kind: 'cohort', where: [{ field: 'past_due_cents', op: '>', value: 0 }] } }
    const r = await parseSentence('suspend lines with a zero balance', { llm: { baseURL: llm.baseURL, apiKey: 'k' }, env: {} })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.candidates?.map((c) => [c.tier, c.canonical, c.readBack])).toEqual([
      ['local', 'suspend where past_due_cents = 0', 'Suspend lines that owe exactly $0.00 past due'],
      ['llm', 'suspend where past_due_cents > 0', 'Suspend lines that owe more than $0.00 past due'],
    ])
    // the same reading from both tiers is one answer; cross-check off asks nothing
    llm.answer = r.command
    const same = await parseSentence('suspend lines with a zero balance', { llm: { baseURL: llm.baseURL, apiKey: 'k' }, env: {} })
    expect(same).toMatchObject({ ok: true, tier: 'local' })
    expect(same.ok && same.candidates).toBeFalsy()
    const asked = llm.asked.length
    await parseSentence('suspend lines with a zero balance', { llm: { baseURL: llm.baseURL, apiKey: 'k', crossCheck: false }, env: {} })
    expect(llm.asked.length).toBe(asked)
  })

  it('preview holds both; commit needs the chosen canonical and writes that one', async () => {
    const ws = await demoWorkspace(400)
    try {
      const c = api(ws)
      await c.console.session.signInDemo({ role: 'operator' })
      llm.answer = { action: 'resume', params: {}, scope: { kind: 'cohort', where: [{ field: 'status', op: '=', value: 'suspended' }, { field: 'past_due_cents', op: '>', value: 0 }] } }
      const text = 'resume suspended accounts with a zero balance'
      const parsed = await c.console.parse({ text, tier: 'auto' })
      expect(parsed.ok && parsed.candidates?.length).toBe(2)
      if (!parsed.ok || !parsed.candidates) return
      const [local, other] = parsed.candidates
      const p = await c.console.preview({ sentence: text, command: local.command, parser: local.tier, alternatives: [{ command: other.command, parser: other.tier }] })
      expect(p.confirmCanonical).toBe(true)
      expect(p.candidates.map((x) => x.canonical)).toEqual(['resume where status = suspended and past_due_cents = 0', 'resume where status = suspended and past_due_cents > 0'])
      const owing = p.candidates[1]
      expect(owing.readBack).toBe(`Resume ${owing.matched} suspended lines that owe more than $0.00 past due`)
      expect((await failure(c.console.commit({ previewId: p.previewId }))).code).toBe('CONFLICT')
      expect((await failure(c.console.commit({ previewId: owing.previewId }))).code).toBe('CONFLICT')
      expect(ops(ws)).toBe(0)
      // the operator picks the local reading ("Use this")
      const done = await c.console.commit({ previewId: p.previewId, canonical: p.candidates[0].canonical })
      const batch = ws.db.prepare('SELECT canonical, parser FROM op_batches WHERE id = ?').get(done.batchId)
      expect(batch).toEqual({ canonical: 'resume where status = suspended and past_due_cents = 0', parser: 'local' })
      expect(done.ops).toBe(p.candidates[0].affected)
    } finally {
      ws.close()
    }
  })

  it('a local or canonical preview commits as before, and a named canonical must match it', async () => {
    const ws = await demoWorkspace(400)
    try {
      const c = api(ws, false)
      await c.console.session.signInDemo({ role: 'operator' })
      const parsed = await c.console.parse({ text: 'tag suspended lines as review', tier: 'auto' })
      if (!parsed.ok) throw new Error(parsed.error)
      const p = await c.console.preview({ sentence: '', command: parsed.command, parser: parsed.tier })
      expect(p.confirmCanonical).toBe(false)
      expect(p.readBack).toBe(`Tag ${p.matched} suspended lines with "review"`)
      expect(p.affected).toBeGreaterThan(0)
      expect((await failure(c.console.commit({ previewId: p.previewId, canonical: 'tag tag=review all' }))).code).toBe('CONFLICT')
      expect((await c.console.commit({ previewId: p.previewId })).ops).toBe(p.affected)
    } finally {
      ws.close()
    }
  })
})
