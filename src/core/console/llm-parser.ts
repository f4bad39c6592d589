// The LLM tier: an OpenAI-compatible chat-completions endpoint (OpenAI, or a local Ollama / llama.cpp server) with
// function calling. The tool schema comes from the contract's zod schema, and whatever the model answers is checked by
// validateCommand like any typed command: an invalid answer is an error, never a command.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { toCanonical } from '../../shared/command/canonical'
import { validateCommand, type Command } from '../../shared/command/schema'
import { CANNOT_TOOL, EMIT_TOOL, systemPrompt, tools } from './llm-prompt'

export interface LlmSettings {
  apiKey?: string
  /** an OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1 (llama.cpp) */
  baseURL?: string
  model?: string
  timeoutMs?: number
  /**
   * In `auto`, also ask the LLM about sentences the local tier read, and show both readings when they differ (issue
   * 11). Default on when the tier is configured; WINGTEL_OPENAI_CROSS_CHECK=0 turns it off.
   */
  crossCheck?: boolean
}

export const DEFAULT_MODEL = 'gpt-4o-mini'
export const DEFAULT_TIMEOUT_MS = 15_000
export const EVERY_LINE_WARNING = 'applies to every line'

export type LlmParseResult =
  | { ok: true; command: Command; canonical: string; tier: 'llm'; warnings: string[] }
  | {
      ok: false
      error: string
      suggestion: string
      tier: 'llm'
      /** true when the model could not be asked (network, timeout, HTTP error): the caller may fall back to local */
      unavailable: boolean
    }

/**
 * Settings from WINGTEL_OPENAI_API_KEY / WINGTEL_OPENAI_BASE_URL / WINGTEL_OPENAI_MODEL in `env` (the config loader
 * passes the environment, src/core/app/config.ts), overridden by `over`.
 */
export function llmSettings(over: LlmSettings = {}, env: NodeJS.ProcessEnv = {}): LlmSettings {
  const timeout = Number(env.WINGTEL_OPENAI_TIMEOUT_MS)
  return {
    apiKey: over.apiKey ?? (env.WINGTEL_OPENAI_API_KEY || undefined),
    baseURL: over.baseURL ?? (env.WINGTEL_OPENAI_BASE_URL || undefined),
    model: over.model ?? (env.WINGTEL_OPENAI_MODEL || undefined),
    timeoutMs: over.timeoutMs ?? (Number.isFinite(timeout) && timeout > 0 ? timeout : undefined),
    crossCheck: over.crossCheck ?? (env.WINGTEL_OPENAI_CROSS_CHECK ? !/^(?:0|false|no|off)$/i.test(env.WINGTEL_OPENAI_CROSS_CHECK) : undefined),
  }
}

/** The tier is used when there is a key or a base URL (a local server needs no key). */
export function llmConfigured(s: LlmSettings): boolean {
  return !!(s.apiKey || s.baseURL)
}

function unavailable(error: string, suggestion = 'check the LLM settings, or use the local parser (it works offline)'): LlmParseResult {
  return { ok: false, error, suggestion, tier: 'llm', unavailable: true }
}
function refused(error: string, suggestion: string): LlmParseResult {
  return { ok: false, error, suggestion, tier: 'llm', unavailable: false }
}

function todayOf(now: Date | string | undefined): string {
  if (typeof now === 'string' && /^\d{4}-\d{2}-\d{2}/.test(now)) return now.slice(0, 10)
  const d = now instanceof Date && !Number.isNaN(now.getTime()) ? now : new Date()
  return d.toISOString().slice(0, 10)
}

/** Asks the model for one command; never throws. */
export async function parseWithLlm(text: string, settings: LlmSettings, opts: { now?: Date | string; signal?: AbortSignal } = {}): Promise<LlmParseResult> {
  if (!llmConfigured(settings))
    return unavailable('no LLM is configured', 'set WINGTEL_OPENAI_API_KEY, or WINGTEL_OPENAI_BASE_URL for a local Ollama / llama.cpp server')
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const client = new OpenAI({
    // local OpenAI-compatible servers accept any key
    apiKey: settings.apiKey || 'no-key',
    baseURL: settings.baseURL,
    timeout: timeoutMs,
    maxRetries: 0,
  })
  let completion: OpenAI.Chat.Completions.ChatCompletion
  try {
    completion = await client.chat.completions.create(
      {
        model: settings.model || DEFAULT_MODEL,
        temperature: 0,
        messages: [
          { role: 'system', content: systemPrompt(todayOf(opts.now)) },
          { role: 'user', content: text },
        ],
        tools: tools(),
        tool_choice: 'required',
      },
      { signal: opts.signal },
    )
  } catch (e) {
    return fromError(e, timeoutMs, settings)
  }
  return fromCompletion(completion)
}

function fromError(e: unknown, timeoutMs: number, s: LlmSettings): LlmParseResult {
  const where = s.baseURL ?? 'the OpenAI API'
  if (e instanceof APIConnectionTimeoutError) return unavailable(`the LLM did not answer within ${Math.round(timeoutMs / 100) / 10} s`)
  if (e instanceof APIUserAbortError) return unavailable('the LLM request was cancelled')
  if (e instanceof APIConnectionError) return unavailable(`could not reach the LLM at ${where}`)
  if (e instanceof APIError) {
    const status = e.status ?? 0
    if (status === 401 || status === 403) return unavailable(`the LLM refused the API key (HTTP ${status})`, 'check WINGTEL_OPENAI_API_KEY, or use the local parser')
    if (status === 404) return unavailable(`the LLM endpoint or model was not found (HTTP 404)`, 'check WINGTEL_OPENAI_BASE_URL and WINGTEL_OPENAI_MODEL')
    if (status === 429) return unavailable('the LLM is rate-limited (HTTP 429)', 'try again shortly, or use the local parser')
    return unavailable(`the LLM answered with an error (HTTP ${status || '?'})`)
  }
  return unavailable(`the LLM request failed: ${e instanceof Error ? e.message : String(e)}`)
}

function fromCompletion(c: OpenAI.Chat.Completions.ChatCompletion): LlmParseResult {
  const msg = c.choices?.[0]?.message
  if (!msg) return unavailable('the LLM answered with no message')
  const call = msg.tool_calls?.find((t) => t.type === 'function')
  let name: string
  let rawArgs: string
  if (call && call.type === 'function') {
    name = call.function.name
    rawArgs = call.function.arguments ?? ''
  } else {
    // some local models answer with the JSON in the text instead of a tool call
    const json = /\{[\s\S]*\}/.exec(msg.content ?? '')?.[0]
    if (!json) return refused('the LLM did not return a command', 'rephrase the sentence, or use the local parser')
    name = EMIT_TOOL
    rawArgs = json
  }
  let args: unknown
  try {
    args = JSON.parse(rawArgs)
  } catch {
    return refused('the LLM returned malformed JSON', 'try again, or use the local parser')
  }
  if (name === CANNOT_TOOL) {
    const a = (args ?? {}) as { error?: unknown; suggestion?: unknown }
    return refused(String(a.error ?? 'the LLM could not turn this into a command'), String(a.suggestion ?? 'rephrase the sentence'))
  }
  if (name !== EMIT_TOOL) return refused(`the LLM called an unknown tool '${name}'`, 'try again, or use the local parser')
  // the command sits under `command`; accept a bare command too
  const obj = args as { command?: unknown }
  const candidate = obj && typeof obj === 'object' && 'command' in obj ? obj.command : args
  const r = validateCommand(candidate)
  if (!r.ok) return refused(`the LLM's command is not valid: ${r.error}`, r.suggestion)
  const warnings = r.command.scope.kind === 'cohort' && r.command.scope.where.length === 0 ? [EVERY_LINE_WARNING] : []
  return { ok: true, command: r.command, canonical: toCanonical(r.command), tier: 'llm', warnings }
}
