// `console preview|commit|rollback|history|batch`: the console's dry run, commit into the outbox, rollback and history
// from the command line, through the same API (validation, roles, stale-preview checks) as the app.
// (`console parse` is the parser's command.)
import type { ConsoleParseResult, PreviewResult, Role } from '../shared/api/console'
import { ROLES } from '../shared/api/console'
import { AppError, isAppError } from '../shared/api/errors'
import { formatCents } from '../shared/domain/money'
import { createApi, createCaller } from '../core/app'
import { actAsForProcess, endActAs } from '../core/console'
import type { Workspace } from '../core/store'
import { cliConfig } from './config'
import { flagNumber, flagString, register, type CliIo, type ParsedArgs } from './registry'
import { openWorkspaceFromArgs } from './workspace-commands'

type Caller = ReturnType<typeof createCaller>

/** Errors from the caller carry the handler's AppError as their cause: surface it so the CLI prints its code. */
async function unwrap<T>(p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause
    if (isAppError(cause)) throw cause
    if ((e as { code?: string }).code === 'BAD_REQUEST') throw new AppError('BAD_INPUT', (e as Error).message)
    throw e
  }
}

/** Positional text; a value-taking flag like --draft may have swallowed it. */
function textOf(args: ParsedArgs, flagNames: string[]): string {
  const parts = [...args.positionals]
  for (const f of flagNames) if (typeof args.flags[f] === 'string') parts.push(args.flags[f] as string)
  return parts.join(' ').trim()
}

const money = formatCents

async function withWorkspace<T>(args: ParsedArgs, fn: (api: Caller, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = openWorkspaceFromArgs(args)
  try {
    // the console's LLM tier as the app has it (the core's config): an LLM reading goes through the same confirmation
    return await fn(createCaller(createApi(ws, { llm: cliConfig().llm })), ws)
  } finally {
    ws.close()
  }
}

async function parseOrFail(api: Caller, text: string, io: CliIo, json: boolean): Promise<Extract<ConsoleParseResult, { ok: true }> | null> {
  if (!text) throw new AppError('BAD_INPUT', 'Give the command in quotes, e.g. console preview "suspend lines with more than 3 failed payments"')
  const r = await unwrap(api.console.parse({ text, tier: 'auto' }))
  if (r.ok) return r
  if (json) io.json({ ok: false, error: r.error, suggestion: r.suggestion, tier: r.tier })
  else io.err(`error: ${r.error}${r.suggestion ? `\nsuggestion: ${r.suggestion}` : ''}`)
  return null
}

async function examples(api: Caller, p: PreviewResult, n: number): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const r of p.blockedReasons) {
    const page = await unwrap(api.console.previewRows({ previewId: p.previewId, which: r.code, startRow: 0, endRow: n }))
    out[r.code] = page.rows.map((x) => x.msisdn)
  }
  return out
}

function previewJson(p: PreviewResult, ex: Record<string, string[]>, tier?: string) {
  return {
    preview_id: p.previewId,
    read_back: p.readBack,
    candidates: p.candidates.map((c) => ({ preview_id: c.previewId, tier: c.parser, canonical: c.canonical, read_back: c.readBack, matched: c.matched, affected: c.affected, blocked: c.blocked })),
    confirm_canonical: p.confirmCanonical,
    kind: p.kind,
    command: p.command,
    canonical: p.canonical,
    tier: tier ?? p.parser,
    as_of: p.asOf,
    scope: p.scopeText,
    matched: p.matched,
    affected: p.affected,
    blocked: p.blocked,
    blocked_reasons: p.blockedReasons.map((r) => ({ code: r.code, label: r.label, count: r.count, examples: ex[r.code] ?? [] })),
    money: {
      mrr_delta_cents: p.money.mrrDeltaCents,
      proration_cents: p.money.prorationCents,
      credits_cents: p.money.creditsCents,
      one_time_cents: p.money.oneTimeCents,
    },
    discards: p.discards,
    warnings: p.warnings,
    fingerprint: p.fingerprint,
    can_commit: p.canCommit,
    elapsed_ms: p.elapsedMs,
  }
}

function printPreview(io: CliIo, p: PreviewResult, ex: Record<string, string[]>, tier?: string): void {
  if (p.candidates.length > 0) {
    io.out('The local parser and the LLM read this differently. Nothing is committed until you pick one:')
    for (const c of p.candidates) io.out(`  ${c.parser.padEnd(6)} ${c.readBack}\n         --canonical '${c.canonical}'   (matched ${c.matched}, affected ${c.affected})`)
    io.out('')
  }
  io.out(`>>> ${p.readBack}`)
  io.out(`command   ${p.canonical}${tier ? `   (parsed by: ${tier})` : ''}`)
  io.out(`scope     ${p.scopeText}   (as of ${p.asOf})`)
  io.out(`matched   ${p.matched}`)
  io.out(`affected  ${p.affected}`)
  io.out(`blocked   ${p.blocked}`)
  for (const r of p.blockedReasons) {
    const e = ex[r.code] ?? []
    io.out(`  ${String(r.count).padStart(8)}  ${r.label}${e.length ? `   e.g. ${e.join(', ')}` : ''}`)
  }
  if (p.discards) io.out(`discards  ${p.discards} never-sent ops`)
  io.out(`money     MRR ${money(p.money.mrrDeltaCents)}/mo · proration ${money(p.money.prorationCents)} · credits ${money(p.money.creditsCents)}${p.money.oneTimeCents ? ` · one-time ${money(p.money.oneTimeCents)}` : ''}`)
  for (const w of p.warnings) io.out(`warning   ${w}`)
  io.out(`(${p.elapsedMs} ms, preview ${p.previewId})`)
}

/**
 * `--as <role>`: this process acts as the sandbox's demo user of that role (refused with a real backend, where the role
 * is the server's). In memory only: nothing is written, so a run killed halfway leaves the stored session unchanged
 * (issue 11, attack 7).
 */
async function asRole<T>(ws: Workspace, args: ParsedArgs, io: CliIo, fn: () => Promise<T>): Promise<T> {
  const as = flagString(args, 'as')
  if (!as) return fn()
  if (!(ROLES as readonly string[]).includes(as)) throw new AppError('BAD_INPUT', `--as takes a role: ${ROLES.join(', ')}`)
  const user = actAsForProcess(ws, as as Role)
  io.err(`acting as ${user.name} (${user.role}, DEMO) for this command only: nothing is stored`)
  try {
    return await fn()
  } finally {
    endActAs(ws)
  }
}

async function commitOrDraft(api: Caller, args: ParsedArgs, io: CliIo, p: PreviewResult, extra: Record<string, unknown>): Promise<number> {
  const json = !!args.flags.json
  const ex = await examples(api, p, flagNumber(args, 'examples', 5))
  if (!args.flags.yes) {
    if (json) io.json({ ok: false, error: 'refused: pass --yes to commit', code: 'CONFIRM', preview: previewJson(p, ex, extra.tier as string) })
    else {
      printPreview(io, p, ex, extra.tier as string)
      io.err('refused: nothing was written. Check the preview above and pass --yes to commit.')
    }
    return 1
  }
  const draft = args.flags.draft !== undefined
  const canonical = flagString(args, 'canonical')
  // --yes alone never commits a command: it must name the canonical text of what will run (issue 11, attack 6)
  if (!draft && p.kind === 'commit' && canonical === undefined) return refuseUnconfirmed(io, p, ex, json, extra.tier as string)
  const r = await unwrap(draft ? api.console.saveDraft({ previewId: p.previewId }) : api.console.commit({ previewId: p.previewId, canonical })).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'FORBIDDEN') throw new AppError('FORBIDDEN', `${e.message} (here: --as operator to commit, --draft to save a draft)`)
    throw e
  })
  if (json) io.json({ ok: true, ...r, batch_id: r.batchId, preview: previewJson(p, ex, extra.tier as string) })
  else {
    printPreview(io, p, ex, extra.tier as string)
    io.out(`${r.kind} ${r.batchId}: ${r.message}`)
  }
  return 0
}

function refuseUnconfirmed(io: CliIo, p: PreviewResult, ex: Record<string, string[]>, json: boolean, tier?: string): number {
  const choices = p.candidates.length > 0 ? p.candidates.map((c) => c.canonical) : [p.canonical]
  const error = `refused: --yes needs --canonical "<text>" naming what will run; nothing was written. Pass ${choices.map((c) => `--canonical '${c}'`).join(' or ')}`
  if (json) io.json({ ok: false, error, code: 'CONFIRM', canonical: choices, preview: previewJson(p, ex, tier) })
  else {
    printPreview(io, p, ex, tier)
    io.err(error)
  }
  return 1
}

/** The preview of a parse: both readings when the tiers disagree (the first one is previewed, both are kept). */
function previewOfParse(api: Caller, sentence: string, parsed: Extract<ConsoleParseResult, { ok: true }>): Promise<PreviewResult> {
  const [first, ...rest] = parsed.candidates ?? [{ command: parsed.command, tier: parsed.tier }]
  return unwrap(api.console.preview({ sentence, command: first.command, parser: first.tier, alternatives: rest.map((c) => ({ command: c.command, parser: c.tier })) }))
}

register({
  path: ['console', 'preview'],
  summary: 'Dry run of a console command: match count, blocked lines with reasons, the money',
  usage: 'console preview "<text>" [--examples N] [--json]',
  run: (args, io) =>
    withWorkspace(args, async (api) => {
      const json = !!args.flags.json
      const parsed = await parseOrFail(api, textOf(args, []), io, json)
      if (!parsed) return 1
      const p = await previewOfParse(api, textOf(args, []), parsed)
      const ex = await examples(api, p, flagNumber(args, 'examples', 5))
      if (json) io.json({ ok: true, ...previewJson(p, ex, parsed.tier) })
      else printPreview(io, p, ex, parsed.tier)
      return 0
    }),
})

register({
  path: ['console', 'commit'],
  summary: 'Preview and commit a console command into the outbox (operator/admin; --yes needs --canonical; --draft saves a draft)',
  usage: 'console commit "<text>" --yes --canonical "<canonical text of what will run>" [--as operator] [--draft] [--json]',
  run: (args, io) =>
    withWorkspace(args, async (api, ws) => {
      const json = !!args.flags.json
      const text = textOf(args, ['draft'])
      return asRole(ws, args, io, async () => {
        const parsed = await parseOrFail(api, text, io, json)
        if (!parsed) return 1
        const p = await previewOfParse(api, text, parsed)
        return commitOrDraft(api, args, io, p, { tier: parsed.tier })
      })
    }),
})

register({
  path: ['console', 'rollback'],
  summary: 'Preview and commit the compensating batch of a committed batch',
  usage: 'console rollback <batch-id> --yes [--as operator] [--json]',
  run: (args, io) =>
    withWorkspace(args, async (api, ws) => {
      const id = textOf(args, ['draft'])
      if (!id) throw new AppError('BAD_INPUT', 'Which batch? console rollback <batch-id> --yes (see console history)')
      return asRole(ws, args, io, async () => {
        const p = await unwrap(api.console.rollbackPreview({ batchId: id }))
        return commitOrDraft(api, args, io, p, {})
      })
    }),
})

register({
  path: ['console', 'history'],
  summary: 'Console batches (commits, rollbacks, drafts) with their op status counts',
  usage: 'console history [--text T] [--kind commit|rollback|draft] [--status pending|applied|rejected|conflict|discarded] [--actor A] [--limit N] [--json]',
  run: (args, io) =>
    withWorkspace(args, async (api) => {
      const h = await unwrap(
        api.console.history({
          text: flagString(args, 'text') ?? '',
          kind: flagString(args, 'kind') as 'commit' | undefined,
          status: flagString(args, 'status') as 'pending' | undefined,
          actor: flagString(args, 'actor'),
          limit: flagNumber(args, 'limit', 50),
        }),
      )
      if (args.flags.json) {
        io.json({ ok: true, ...h })
        return 0
      }
      if (h.batches.length === 0) io.out('No batches yet.')
      for (const b of h.batches) {
        const ops = Object.entries(b.ops)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')
        io.out(`${b.createdAt.slice(0, 19).replace('T', ' ')}  ${b.kind.padEnd(8)} ${b.id}  ${b.actorName} (${b.role})`)
        io.out(`    ${b.canonical}`)
        io.out(`    matched ${b.matched}, blocked ${b.blocked}; ops: ${ops || 'none'}${b.rolledBackBy ? `; rolled back by ${b.rolledBackBy}` : ''}${b.rollbackOf ? `; rolls back ${b.rollbackOf}` : ''}`)
      }
      if (h.total > h.batches.length) io.out(`(${h.batches.length} of ${h.total})`)
      return 0
    }),
})

register({
  path: ['console', 'batch'],
  summary: 'One console batch and its ops (status, reason)',
  usage: 'console batch <batch-id> [--status S] [--limit N] [--json]',
  run: (args, io) =>
    withWorkspace(args, async (api) => {
      const id = args.positionals[0]
      if (!id) throw new AppError('BAD_INPUT', 'Which batch? console batch <batch-id>')
      const d = await unwrap(api.console.batch({ batchId: id, status: flagString(args, 'status') as 'pending' | undefined, startRow: 0, endRow: flagNumber(args, 'limit', 50) }))
      if (args.flags.json) {
        io.json({ ok: true, ...d })
        return 0
      }
      io.out(`${d.batch.kind} ${d.batch.id} by ${d.batch.actorName} (${d.batch.role}) at ${d.batch.createdAt}`)
      io.out(`  ${d.batch.canonical}`)
      for (const o of d.ops) io.out(`  #${o.seq} ${o.msisdn ?? o.lineId} ${o.action} ${JSON.stringify(o.params)} → ${o.status}${o.reason ? ` (${o.reason})` : ''}`)
      if (d.opCount > d.ops.length) io.out(`  (${d.ops.length} of ${d.opCount} ops)`)
      return 0
    }),
})
