// One way in for every sentence the console gets: canonical text, the local rule parser, or the LLM tier. The answer
// says which tier answered.
//
// `auto`: canonical text is read as such; otherwise the local tier answers (instant, offline, deterministic). The LLM
// is asked only when one is configured AND the local tier could not read the sentence — not when it refused a request
// outside the contract or named a plan/number/date that does not exist, which are final answers. If the LLM cannot be
// reached, the local tier's error stands (with a note).
import { looksCanonical, parseCanonical, toCanonical } from '../../shared/command/canonical'
import { parseLocalDetailed, EVERY_LINE_WARNING } from '../../shared/command/local-parser'
import { readBack } from '../../shared/command/read-back'
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

/** One tier's reading of a sentence, with its read-back (the command in plain English, from the command itself). */
export interface Candidate {
  command: Command
  canonical: string
  tier: AnsweringTier
  readBack: string
}

export type SentenceResult =
  | {
      ok: true
      command: Command
      canonical: string
      tier: AnsweringTier
      warnings: string[]
      readBack: string
      /**
       * Set when the local and the LLM tier both read the sentence and disagree: both readings, local first. Neither
       * may be committed until the operator picks one (the preview shows both; commit takes the chosen canonical).
       */
      candidates?: Candidate[]
    }
  | { ok: false; error: string; suggestion: string; tier: AnsweringTier }

type Ok = Extract<SentenceResult, { ok: true }>
function withReadBack(r: Omit<Ok, 'readBack'>): Ok {
  return { ...r, readBack: readBack(r.command) }
}
const DISAGREE_WARNING = 'The local parser and the LLM read this sentence differently: pick one of the two readings.'

function canonicalResult(text: string): SentenceResult {
  const r = parseCanonical(text.trim())
  if (!r.ok) return { ...r, tier: 'canonical' }
  const warnings = r.command.scope.kind === 'cohort' && r.command.scope.where.length === 0 ? [EVERY_LINE_WARNING] : []
  // re-printed, so that hand-edited spacing or phone formats come back in the one canonical spelling
  return withReadBack({ ok: true, command: r.command, canonical: toCanonical(r.command), tier: 'canonical', warnings })
}

export async function parseSentence(text: string, opts: ParseSentenceOptions = {}): Promise<SentenceResult> {
  const tier = opts.tier ?? 'auto'
  if (typeof text !== 'string') return { ok: false, error: 'the sentence must be text', suggestion: 'e.g. "suspend lines owing over $100"', tier: 'local' }
  if (tier === 'canonical') return canonicalResult(text)

  if (tier === 'llm') {
    const settings = llmSettings(opts.llm, opts.env)
    const r = await parseWithLlm(text, settings, { now: opts.now, signal: opts.signal })
    if (r.ok) return withReadBack(r)
    return { ok: false, error: r.error, suggestion: r.suggestion, tier: 'llm' }
  }

  // canonical text typed or edited by the operator
  const canon = canonicalResult(text)
  if (canon.ok) return canon
  const local = parseLocalDetailed(text, { now: opts.now })
  if (local.result.ok) return tier === 'local' ? withReadBack(local.result) : crossChecked(text, withReadBack(local.result), opts)
  const localError = { ...local.result, tier: 'local' as const }
  if (looksCanonical(text) && /[=]|\bwhere\b/.test(text)) return canon

  if (tier === 'local' || local.kind !== 'unreadable') return localError
  const settings = llmSettings(opts.llm, opts.env)
  if (!llmConfigured(settings)) return localError
  const r = await parseWithLlm(text, settings, { now: opts.now, signal: opts.signal })
  // what the local parser could not read stays in view: the person checks the LLM's reading against it
  if (r.ok) return withReadBack({ ...r, warnings: [...r.warnings, `Read by the LLM; the local parser: ${localError.error}`] })
  if (r.unavailable) return { ...localError, suggestion: `${localError.suggestion} (the LLM tier was not available: ${r.error})` }
  return { ok: false, error: r.error, suggestion: r.suggestion, tier: 'llm' }
}

/**
 * With the LLM tier configured and its cross-check on (the default), the LLM also reads what the local tier read. The
 * same command: the local answer. A different one: both, as candidates, and neither is committed until the operator
 * picks. An LLM that cannot be asked or refuses leaves the local answer (with a note).
 */
async function crossChecked(text: string, local: Ok, opts: ParseSentenceOptions): Promise<SentenceResult> {
  const settings = llmSettings(opts.llm, opts.env)
  if (!llmConfigured(settings) || settings.crossCheck === false) return local
  const r = await parseWithLlm(text, settings, { now: opts.now, signal: opts.signal })
  if (!r.ok) return r.unavailable ? { ...local, warnings: [...local.warnings, `The LLM could not cross-check this reading: ${r.error}`] } : local
  if (r.canonical === local.canonical) return local
  const llm = withReadBack(r)
  const candidates: Candidate[] = [local, llm].map((c) => ({ command: c.command, canonical: c.canonical, tier: c.tier, readBack: c.readBack }))
  return { ...local, warnings: [...local.warnings, DISAGREE_WARNING], candidates }
}
