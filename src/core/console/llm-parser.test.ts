// The LLM tier against a local OpenAI-compatible server (node http on 127.0.0.1, random port): no internet needed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { commandToolJsonSchema } from '../../shared/command/schema'
import { llmConfigured, llmSettings, parseWithLlm, type LlmSettings } from './llm-parser'
import { parseSentence } from './parse'

type Reply = (req: IncomingMessage, res: ServerResponse, body: unknown) => void
let server: Server
let baseURL = ''
let reply: Reply
const seen: { path: string; auth: string | undefined; body: Record<string, unknown> }[] = []
const held: ServerResponse[] = []

function completion(message: Record<string, unknown>) {
  return { id: 'c1', object: 'chat.completion', created: 0, model: 'test-model', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, ...message } }] }
}
function toolCall(name: string, args: string): Reply {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(completion({ tool_calls: [{ id: 't1', type: 'function', function: { name, arguments: args } }] })))
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      const body = data ? (JSON.parse(data) as Record<string, unknown>) : {}
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body })
      reply(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
afterAll(async () => {
  for (const r of held) r.destroy()
  await new Promise<void>((r) => server.close(() => r()))
})
beforeEach(() => {
  seen.length = 0
})

const settings = (): LlmSettings => ({ baseURL, apiKey: 'test-key', model: 'test-model', timeoutMs: 5000 })
const GOOD = { action: 'suspend', params: {}, scope: { kind: 'cohort', where: [{ field: 'failed_payments', op: '>', value: 3 }] } }

describe('LLM tier', () => {
  it('sends the contract (tool schema from the zod schema, catalog in the prompt) and validates the tool call', async () => {
    reply = toolCall('emit_command', JSON.stringify({ command: GOOD }))
    const r = await parseWithLlm('put the chronic non-payers on ice', settings(), { now: '2026-11-22' })
    expect(r).toEqual({ ok: true, command: GOOD, canonical: 'suspend where failed_payments > 3', tier: 'llm', warnings: [] })
    expect(seen).toHaveLength(1)
    const req = seen[0]
    expect(req.path).toBe('/v1/chat/completions')
    expect(req.auth).toBe('Bearer test-key')
    expect(req.body.model).toBe('test-model')
    const tools = req.body.tools as { function: { name: string; parameters: unknown } }[]
    expect(tools.map((t) => t.function.name)).toEqual(['emit_command', 'cannot_parse'])
    expect(tools[0].function.parameters).toEqual(commandToolJsonSchema())
    const system = (req.body.messages as { role: string; content: string }[])[0]
    expect(system.role).toBe('system')
    for (const code of ['HOMEFI_UNL', 'DATA_15', 'IOT_500', 'TOPUP_5GB', 'HOTSPOT', 'failed_payments', '2026-11-22']) expect(system.content).toContain(code)
  })

  it('refuses a tool call that is not a valid command', async () => {
    reply = toolCall('emit_command', JSON.stringify({ command: { action: 'change_plan', params: { plan: 'DATA_7' }, scope: { kind: 'line', msisdn: '+15125550123' } } }))
    const r = await parseWithLlm('move 5125550123 to the 7 gig plan', settings())
    expect(r).toMatchObject({ ok: false, tier: 'llm', unavailable: false })
    if (!r.ok) {
      expect(r.error).toMatch(/not valid: unknown plan "DATA_7"/)
      expect(r.suggestion).toMatch(/DATA_5/)
    }
  })

  it('refuses an action outside the contract even when the model emits one', async () => {
    reply = toolCall('emit_command', JSON.stringify({ command: { action: 'delete', params: {}, scope: { kind: 'cohort', where: [] } } }))
    const r = await parseWithLlm('delete all subscribers', settings())
    expect(r).toMatchObject({ ok: false, unavailable: false })
    if (!r.ok) expect(r.error).toMatch(/unsupported action "delete"/)
  })

  it('reports malformed JSON arguments', async () => {
    reply = toolCall('emit_command', '{"command": {"action": "suspend",')
    expect(await parseWithLlm('suspend everyone', settings())).toMatchObject({ ok: false, error: 'the LLM returned malformed JSON', unavailable: false })
  })

  it('passes the model refusal through', async () => {
    reply = toolCall('cannot_parse', JSON.stringify({ error: 'which plan?', suggestion: 'name the new plan' }))
    expect(await parseWithLlm('change plan for 5125550123', settings())).toMatchObject({ ok: false, error: 'which plan?', suggestion: 'name the new plan' })
  })

  it('reads a command answered as text by models without tool calls', async () => {
    reply = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(completion({ content: `Here you go: ${JSON.stringify({ command: GOOD })}` })))
    }
    expect(await parseWithLlm('suspend the chronic non-payers', settings())).toMatchObject({ ok: true, command: GOOD })
  })

  it('turns HTTP errors into clear, retryable errors', async () => {
    reply = (_q, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'boom' } }))
    }
    expect(await parseWithLlm('suspend everyone', settings())).toMatchObject({ ok: false, error: 'the LLM answered with an error (HTTP 500)', unavailable: true })
    reply = (_q, res) => {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'bad key' } }))
    }
    expect(await parseWithLlm('suspend everyone', settings())).toMatchObject({ ok: false, unavailable: true, error: expect.stringMatching(/API key/) })
  })

  it('times out', async () => {
    reply = (_q, res) => {
      held.push(res)
    }
    const r = await parseWithLlm('suspend everyone', { ...settings(), timeoutMs: 200 })
    expect(r).toMatchObject({ ok: false, unavailable: true, error: expect.stringMatching(/did not answer within 0.2 s/) })
  })

  it('reports an unreachable server', async () => {
    const dead = createServer()
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
    const port = (dead.address() as AddressInfo).port
    await new Promise<void>((r) => dead.close(() => r()))
    const r = await parseWithLlm('suspend everyone', { baseURL: `http://127.0.0.1:${port}/v1`, timeoutMs: 2000 })
    expect(r).toMatchObject({ ok: false, unavailable: true, error: expect.stringMatching(/could not reach the LLM/) })
  })

  it('reads its settings from the environment, overridable', () => {
    const env = { WINGTEL_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', WINGTEL_OPENAI_MODEL: 'llama3.1' }
    expect(llmSettings({}, env)).toEqual({ apiKey: undefined, baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1', timeoutMs: undefined })
    expect(llmSettings({ model: 'qwen2.5' }, env).model).toBe('qwen2.5')
    expect(llmConfigured(llmSettings({}, env))).toBe(true)
    expect(llmConfigured(llmSettings({}, {}))).toBe(false)
  })
})

describe('parseSentence: choosing the tier', () => {
  const noEnv = {}
  it('answers canonical text as canonical and sentences locally, without asking the LLM when its cross-check is off', async () => {
    reply = toolCall('emit_command', JSON.stringify({ command: GOOD }))
    const c = await parseSentence('suspend reason="non-payment" where failed_payments > 3', { llm: settings(), env: noEnv })
    expect(c).toMatchObject({ ok: true, tier: 'canonical', canonical: 'suspend reason="non-payment" where failed_payments > 3' })
    // (with the cross-check on, the default, the LLM also reads it: confirm.test.ts)
    const l = await parseSentence('suspend lines owing over $100', { llm: { ...settings(), crossCheck: false }, env: noEnv })
    expect(l).toMatchObject({ ok: true, tier: 'local', canonical: 'suspend where past_due_cents > 10000' })
    expect(seen).toHaveLength(0)
  })

  it('asks the LLM only for sentences the local tier cannot read', async () => {
    reply = toolCall('emit_command', JSON.stringify({ command: GOOD }))
    const r = await parseSentence('put the chronic non-payers on ice', { llm: settings(), env: noEnv })
    expect(r).toMatchObject({ ok: true, tier: 'llm', command: GOOD })
    expect(seen).toHaveLength(1)
    // refusals and unknown plans are final: no LLM call
    expect(await parseSentence('delete all subscribers', { llm: settings(), env: noEnv })).toMatchObject({ ok: false, tier: 'local' })
    expect(await parseSentence('move lines on Mobile 7GB to Mobile 15GB', { llm: settings(), env: noEnv })).toMatchObject({ ok: false, tier: 'local' })
    expect(seen).toHaveLength(1)
  })

  it('keeps the local answer when the LLM is down', async () => {
    reply = (_q, res) => {
      res.writeHead(503)
      res.end()
    }
    const r = await parseSentence('put the chronic non-payers on ice', { llm: settings(), env: noEnv })
    expect(r).toMatchObject({ ok: false, tier: 'local' })
    if (!r.ok) expect(r.suggestion).toMatch(/LLM tier was not available/)
  })

  it('works with no LLM configured, and says so when the LLM tier is asked for', async () => {
    expect(await parseSentence('resume account ACC-000123', { env: noEnv })).toMatchObject({ ok: true, tier: 'canonical' })
    expect(await parseSentence('credit $5 to 512-555-0123', { tier: 'local', env: noEnv })).toMatchObject({ ok: true, tier: 'local' })
    expect(await parseSentence('suspend everyone', { tier: 'llm', env: noEnv })).toMatchObject({ ok: false, tier: 'llm', error: 'no LLM is configured' })
  })

  it('reads canonical text only when asked for the canonical tier', async () => {
    expect(await parseSentence('suspend lines owing over $100', { tier: 'canonical', env: noEnv })).toMatchObject({ ok: false, tier: 'canonical' })
    expect(await parseSentence('suspend  where   state in (TX,OK)', { tier: 'canonical', env: noEnv })).toMatchObject({ ok: true, canonical: 'suspend where state in (TX, OK)' })
  })
})
