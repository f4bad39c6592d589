// The console's parse endpoint over the parser tiers (parse.ts → parseSentence): the answer says which tier answered,
// and gives the canonical text the console shows and lets the operator edit. Relative dates ("activated this year")
// are read against the workspace's demo clock, not the wall clock.
import type { ConsoleParseResult } from '../../shared/api/console'
import type { LlmSettings } from './llm-parser'
import { parseSentence } from './parse'

export async function parseForConsole(text: string, tier: 'auto' | 'local' | 'llm' | 'canonical', asOf: string, llm?: LlmSettings): Promise<ConsoleParseResult> {
  const t0 = performance.now()
  const r = await parseSentence(text, { tier, now: asOf, llm })
  const elapsedMs = Math.round((performance.now() - t0) * 100) / 100
  return r.ok ? { ...r, elapsedMs } : { ...r, elapsedMs }
}
