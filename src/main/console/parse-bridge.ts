// The console's parse endpoint over the parser tiers (src/main/console/parse.ts → parseSentence, by the parser
// engineer): the answer says which tier answered, and the canonical text the console shows and lets the operator edit.
import type { ConsoleParseResult } from '../../shared/api/console'
import { parseCanonical, toCanonical } from '../../shared/command/canonical'

export async function parseForConsole(text: string, tier: 'auto' | 'local' | 'llm' | 'canonical'): Promise<ConsoleParseResult> {
  const t0 = performance.now()
  const ms = () => Math.round((performance.now() - t0) * 100) / 100
  const r = parseCanonical(text)
  if (r.ok) return { ok: true, command: r.command, canonical: toCanonical(r.command), tier: 'canonical', warnings: [], elapsedMs: ms() }
  return { ok: false, error: r.error, suggestion: r.suggestion, tier: tier === 'auto' ? 'local' : tier, elapsedMs: ms() }
}
