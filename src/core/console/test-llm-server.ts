// Test support (nothing in the app imports this file): a local server speaking the OpenAI chat-completions protocol
// on 127.0.0.1, answering every request with one tool call, so the LLM tier runs with no network. `answer` is what the
// model "says": the command it emits for whatever sentence it gets.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeLlm {
  baseURL: string
  /** the command the fake model emits next (null: it calls cannot_parse) */
  answer: unknown
  /** the user messages it was asked */
  asked: string[]
  close(): Promise<void>
}

export async function startFakeLlm(answer: unknown = null): Promise<FakeLlm> {
  const state = { answer, asked: [] as string[] }
  const server: Server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      const body = (data ? JSON.parse(data) : {}) as { messages?: { role: string; content: string }[] }
      state.asked.push(body.messages?.find((m) => m.role === 'user')?.content ?? '')
      const call =
        state.answer === null
          ? { name: 'cannot_parse', arguments: JSON.stringify({ error: 'not a command', suggestion: 'rephrase' }) }
          : { name: 'emit_command', arguments: JSON.stringify({ command: state.answer }) }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: 'fake',
          choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: call }] } }],
        }),
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const fake: FakeLlm = {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get answer() {
      return state.answer
    },
    set answer(v: unknown) {
      state.answer = v
    },
    asked: state.asked,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
  return fake
}
