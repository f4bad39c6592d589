// One way in for every sentence the console gets: canonical text, the local rule parser, or the LLM tier. The answer
// says which tier answered.
//
// `auto`: canonical text is read as such; otherwise the local tier answers (instant, offline, deterministic). The LLM
// is asked only when one is configured AND the local tier could not read the sentence — not when it refused a request
// outside the contract or named a plan/number/date that does not exist, which are final answers. If the LLM cannot be
// reached, the local tier's error stands (with a note).
import { looksCanonical, parseCanonical, toCanonical } from '../../shared/command/canonical'
import { parseLocalDetailed, EVERY_LINE_WARNING } from '../../shared/command/local-parser'
import type { Command } from '../../shared/command/schema'
import { llmConfigured, llmSettings, parseWithLlm, type LlmSettings } from './llm-parser'

export type ParseTier = 'auto' | 'local' | 'llm' | 'canonical'
export type AnsweringTier = 'local' | 'llm' | 'canonical'

export interface ParseSentenceOptions {
  tier?: ParseTier
  /** "today" for relative dates (the workspace's as-of date); defaults to the wall clock */
  now?: Date | string
  /** LLM settings (the core's config: docs/CONFIG.md); missing values come from WINGTEL_OPENAI_* in `env`, if given */
  llm?: LlmSettings
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

export type SentenceResult =
  | { ok: true; command: Command; canonical: string; tier: AnsweringTier; warnings: string[] }
  | { ok: false; error: string; suggestion: string; tier: AnsweringTier }

function canonicalResult(text: string): SentenceResult {
  const r = parseCanonical(text.trim())
  if (!r.ok) return { ...r, tier: 'canonical' }
  const warnings = r.command.scope.kind === 'cohort' && r.command.scope.where.length === 0 ? [EVERY_LINE_WARNING] : []
  // re-printed, so that hand-edited spacing or phone formats come back in the one canonical spelling
  return { ok: true, command: r.command, canonical: toCanonical(r.command), tier: 'canonical', warnings }
}

export async function parseSentence(text: string, opts: ParseSentenceOptions = {}): Promise<SentenceResult> {
  const tier = opts.tier ?? 'auto'
  if (typeof text !== 'string') return { ok: false, error: 'the sentence must be text', suggestion: 'e.g. "suspend lines owing over $100"', tier: 'local' }
  if (tier === 'canonical') return canonicalResult(text)

  if (tier === 'llm') {
    const settings = llmSettings(opts.llm, opts.env)
    const r = await parseWithLlm(text, settings, { now: opts.now, signal: opts.signal })
    if (r.ok) return r
    return { ok: false, error: r.error, suggestion: r.suggestion, tier: 'llm' }
  }

  // canonical text typed or edited by the operator
  const canon = canonicalResult(text)
  if (canon.ok) return canon
  const local = parseLocalDetailed(text, { now: opts.now })
  if (local.result.ok) return local.result
  const localError = { ...local.result, tier: 'local' as const }
  if (looksCanonical(text) && /[=]|\bwhere\b/.test(text)) return canon

  if (tier === 'local' || local.kind !== 'unreadable') return localError
  const settings = llmSettings(opts.llm, opts.env)
  if (!llmConfigured(settings)) return localError
  const r = await parseWithLlm(text, settings, { now: opts.now, signal: opts.signal })
  if (r.ok) return r
  if (r.unavailable) return { ...localError, suggestion: `${localError.suggestion} (the LLM tier was not available: ${r.error})` }
  return { ok: false, error: r.error, suggestion: r.suggestion, tier: 'llm' }
}
