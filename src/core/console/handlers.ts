// The console's API handlers (src/shared/api/console.ts): parse → preview → commit / draft, rollbacks, history and the
// demo sign-in. Previews live in memory per workspace; a commit writes exactly what its preview showed, or nothing.
import { DEMO_USERS, type ConsoleApi, type ParserTier, type PreviewResult, type PreviewRow } from '../../shared/api/console'
import { toCanonical } from '../../shared/command/canonical'
import type { Command } from '../../shared/command/schema'
import { AppError } from '../../shared/api/errors'
import type { Workspace } from '../store'
import { asOfOf, loadCatalog } from './catalog'
import type { CompileContext } from './cohort-sql'
import { commitCommand, commitRollback, saveDraft } from './commit'
import { batchDetail, listHistory } from './history'
import { parseLineListCsv, resolveLineList } from './line-list'
import type { LlmSettings } from './llm-parser'
import { RecentSet, confirmedChoice, withCandidates } from './confirm'
import { parseForConsole } from './parse-bridge'
import { PreviewStore, newPreviewId, runPreview, type StoredPreview } from './preview'
import { PREVIEW_ROW_COLUMNS, previewRowsOf } from './preview-rows'
import { planRollback } from './rollback'
import { currentSession, requireUser, signInDemo, signOut } from './session'

/** `llm`: the LLM tier's settings (the core's config; none: the tier is off). */
export function consoleHandlers(ws: Workspace, opts: { llm?: LlmSettings } = {}): ConsoleApi {
  const previews = new PreviewStore()
  // what the LLM answered through this API: a preview of one of these is an LLM reading whatever tier the caller names
  const llmReadings = new RecentSet(256)
  const context = (): CompileContext & { asOfFromClock: boolean } => {
    const { asOf, fromClock } = asOfOf((k) => ws.meta(k))
    return { asOf, asOfFromClock: fromClock, catalog: loadCatalog(ws.db) }
  }
  const stored = (id: string): StoredPreview => {
    const p = previews.get(id)
    if (!p) throw new AppError('NOT_FOUND', 'This preview has expired (previews are kept in memory, for the last 32). Preview again.')
    return p
  }

  return {
    parse: async (input) => {
      const r = await parseForConsole(input.text, input.tier, context().asOf, opts.llm)
      if (r.ok) for (const c of r.candidates ?? [r]) if (c.tier === 'llm') llmReadings.add(c.canonical)
      return r
    },

    parseList: async (input) => resolveLineList(ws.db, parseLineListCsv(input.text, input.filename)),

    selectionScope: async (input) => {
      const rows = ws.db
        .prepare('SELECT msisdn FROM lines WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
        .all(JSON.stringify(input.lineIds)) as Array<{ msisdn: string }>
      if (rows.length === 0) throw new AppError('NOT_FOUND', 'None of the selected lines is in this workspace.')
      return { kind: 'list', source: input.source, msisdns: rows.map((r) => r.msisdn) }
    },

    preview: async (input) => {
      const ctx = context()
      const run = (command: Command, parser: ParserTier) =>
        runPreview(ws.db, command, ctx, {
          sentence: input.sentence,
          parser,
          canCommit: currentSession(ws).canCommit,
          dataVersion: ws.dataVersion,
          asOf: ctx.asOf,
          asOfFromClock: ctx.asOfFromClock,
        })
      const tierOf = (command: Command, claimed: ParserTier): ParserTier => (llmReadings.has(toCanonical(command)) ? 'llm' : claimed)
      const p = run(input.command, tierOf(input.command, input.parser))
      const others = input.alternatives.filter((a) => toCanonical(a.command) !== p.result.canonical).map((a) => run(a.command, tierOf(a.command, a.parser)))
      return withCandidates(previews, [p, ...others])
    },

    previewRows: async (input) => {
      const p = stored(input.previewId)
      if (p.plan && p.agg) return previewRowsOf(ws.db, p.plan, input.which, input.startRow, input.endRow, p.agg.counts)
      // a rollback: its ops are in memory, the rows come from `lines`
      const ops = p.rollback!.ops.filter((o) => (input.which === 'affected' ? !o.blocked : input.which === 'blocked' ? !!o.blocked : o.blocked === input.which))
      const page = ops.slice(input.startRow, input.endRow)
      const rows = ws.db
        .prepare(`SELECT ${PREVIEW_ROW_COLUMNS} FROM lines WHERE id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(page.map((o) => o.lineId))) as PreviewRow[]
      const byId = new Map(rows.map((r) => [r.id, r]))
      return {
        rows: page
          .filter((o) => byId.has(o.lineId))
          .map((o) => ({ ...byId.get(o.lineId)!, blockedReason: o.blocked, blockedLabel: o.label })),
        rowCount: ops.length,
      }
    },

    commit: async (input) => {
      const user = requireUser(ws)
      const p = confirmedChoice(stored(input.previewId), input.canonical, stored)
      return p.rollback ? commitRollback(ws, p, user) : commitCommand(ws, p, user, context())
    },

    saveDraft: async (input) => saveDraft(ws, stored(input.previewId), requireUser(ws)),

    rollbackPreview: async (input) => {
      const t0 = performance.now()
      const ctx = context()
      const rb = planRollback(ws.db, input.batchId, ctx.catalog, ctx.asOf)
      const affected = rb.ops.filter((o) => !o.blocked).length
      const blocked = rb.ops.length - affected
      const warnings: string[] = []
      if (rb.discardSeqs.length > 0) warnings.push(`${rb.discardSeqs.length} operations of ${input.batchId} were never sent: the rollback discards them.`)
      if (rb.notReversible > 0) warnings.push(`${rb.notReversible} operations cannot be undone (a sent notification, a one-time top-up).`)
      if (rb.nothingToUndo > 0) warnings.push(`${rb.nothingToUndo} operations were rejected, conflicted or discarded: nothing to undo.`)
      if (rb.actions.debit_wallet) warnings.push('Credits are reversed with debit_wallet (a contract extension): a server that does not know it rejects those ops.')
      if (affected === 0 && rb.discardSeqs.length === 0) warnings.push('Nothing to roll back: a commit would write nothing.')
      const result: PreviewResult = {
        previewId: newPreviewId(),
        readBack: `Roll back ${input.batchId}: ${affected} compensating operation${affected === 1 ? '' : 's'}${rb.discardSeqs.length ? `, ${rb.discardSeqs.length} never-sent discarded` : ''}`,
        candidates: [],
        confirmCanonical: false,
        kind: 'rollback',
        rollbackOf: input.batchId,
        createdAt: new Date().toISOString(),
        asOf: ctx.asOf,
        sentence: `Roll back ${input.batchId}${rb.sentence ? ` ("${rb.sentence}")` : ''}`,
        command: { action: 'rollback', rollback_of: input.batchId, actions: rb.actions },
        canonical: `rollback ${input.batchId}`,
        parser: 'rollback',
        scopeText: `the ${rb.ops.length + rb.discardSeqs.length + rb.notReversible + rb.nothingToUndo} operations of ${input.batchId}`,
        matched: rb.ops.length,
        affected,
        blocked,
        blockedReasons: rb.blockedReasons,
        money: rb.money,
        warnings,
        discards: rb.discardSeqs.length,
        fingerprint: `rb-${rb.ops.length}-${rb.ops.reduce((s, o) => s + o.baseVersion, 0)}@${ws.dataVersion}`,
        canCommit: currentSession(ws).canCommit,
        elapsedMs: 0,
      }
      result.elapsedMs = Math.round((performance.now() - t0) * 10) / 10
      previews.put({ result, command: null, plan: null, agg: null, rollback: rb, consumed: false })
      return result
    },

    history: async (input) => listHistory(ws.db, input),
    batch: async (input) => batchDetail(ws.db, input),

    sessionCurrent: async () => currentSession(ws),
    sessionUsers: async () => DEMO_USERS.slice(),
    signInDemo: async (input) => signInDemo(ws, input.role),
    signOut: async () => signOut(ws),
  }
}
