// The AI command console (issue 4): parse → preview (dry run on the local store) → commit into the outbox, drafts,
// rollbacks, the batch history and the demo sign-in. The command itself is the contract of docs/COMMAND-DSL.md
// (src/shared/command/schema.ts); this file adds what the console needs around it.
import { z } from 'zod'
import { commandSchema, type Command } from '../command/schema'
import type { LineRow } from '../domain/line'

// Roles, demo users and the status/kind vocabularies live in ../domain/console.ts (plain values the renderer imports
// without pulling in the router); re-exported here so that the API contract reads as one.
export * from '../domain/console'

export interface SessionState {
  user: SessionUser | null
  signedInAt: string | null
  canCommit: boolean
  /**
   * 'demo': a sandbox demo user picked on this machine (shown with a DEMO badge); 'server': the person signed in to the
   * backend, with the role the server gave them (never chosen here)
   */
  mode: 'demo' | 'server'
  /** server mode: signed in but the second factor the server requires is still missing */
  needsSecondFactor?: boolean
}
import { BATCH_KINDS, OP_STATUSES, PARSER_TIERS, type OpStatus, type ParserTier, type Role, type SessionUser } from '../domain/console'

// ---------------------------------------------------------------------------------------------------------------------
// Parse


export const parseInput = z.object({
  text: z.string().min(1).max(20_000),
  /** 'canonical' parses the canonical text form (what the operator edited in the console) */
  tier: z.enum(['auto', 'local', 'llm', 'canonical']).default('auto'),
})

/** One parser tier's reading of a sentence, with its read-back (the command in plain English, from the command). */
export interface ParseCandidate {
  command: Command
  canonical: string
  tier: ParserTier
  readBack: string
}

export type ConsoleParseResult =
  | {
      ok: true
      command: Command
      canonical: string
      tier: ParserTier
      warnings: string[]
      /** the command in plain English, rendered from the command itself (never from the sentence) */
      readBack: string
      /** the local and the LLM tier disagree: both readings (local first); the operator must pick one */
      candidates?: ParseCandidate[]
      elapsedMs: number
    }
  | { ok: false; error: string; suggestion: string; tier: ParserTier; elapsedMs: number }

// ---------------------------------------------------------------------------------------------------------------------
// Scopes that the console builds for the operator: an uploaded CSV list, a grid selection

export const parseListInput = z.object({
  text: z.string().max(50_000_000),
  filename: z.string().min(1).max(255),
})

export interface ListRowProblem {
  /** 1-based row of the file (the header is row 1 when there is one) */
  row: number
  value: string
  reason: string
}

export interface ParsedLineList {
  source: string
  /** the column the numbers were read from (header name, or "column N") */
  column: string
  kind: 'msisdn' | 'iccid' | 'mixed'
  /** data rows read (without the header) */
  rows: number
  /** distinct known lines, as E.164 MSISDNs (ICCIDs resolved to their line's MSISDN) */
  msisdns: string[]
  /** rows that are not a phone number or ICCID, duplicates, … */
  bad: ListRowProblem[]
  /** well-formed numbers that no line in this workspace has */
  unknown: ListRowProblem[]
  /** the list scope to put into the command (null when no row matched a line) */
  scope: { kind: 'list'; source: string; msisdns: string[] } | null
}

/**
 * A grid selection of line ids becomes a `list` scope of their MSISDNs (the contract's scopes stay as they are: the
 * command that is committed, pushed and audited names lines the way a person can read and re-run).
 */
export const selectionScopeInput = z.object({
  lineIds: z.array(z.number().int().positive()).min(1).max(1_000_000),
  source: z.string().min(1).max(255).default('grid selection'),
})

// ---------------------------------------------------------------------------------------------------------------------
// Preview

export const previewInput = z.object({
  /** what the operator typed (recorded with the batch) */
  sentence: z.string().max(20_000).default(''),
  command: commandSchema,
  parser: z.enum(PARSER_TIERS).default('canonical'),
  /**
   * The other tier's reading when the tiers disagree (the parse's second candidate): the preview shows both and its
   * commit takes the canonical text of the one the operator picked.
   */
  alternatives: z.array(z.object({ command: commandSchema, parser: z.enum(PARSER_TIERS) })).max(1).default([]),
})
export type PreviewInput = z.input<typeof previewInput>

export interface BlockedReason {
  code: string
  label: string
  count: number
}

export interface PreviewMoney {
  /** change of monthly recurring revenue: plan price deltas and recurring add-ons, in cents (+ = more revenue) */
  mrrDeltaCents: number
  /** the MRR delta prorated over the rest of each line's current cycle (days remaining / cycle length, from as_of) */
  prorationCents: number
  /** wallet credits (credit_wallet), or debits as a negative number (a rollback's debit_wallet) */
  creditsCents: number
  /** one-time charges (top-ups) */
  oneTimeCents: number
}

/** The command of a rollback batch (a batch of compensating ops, not one contract command). */
export interface RollbackCommand {
  action: 'rollback'
  rollback_of: string
  /** compensating ops by action */
  actions: Record<string, number>
}

/** One reading of a preview whose parser tiers disagree: its own preview and read-back. */
export interface PreviewCandidate {
  previewId: string
  parser: ParserTier
  canonical: string
  readBack: string
  matched: number
  affected: number
  blocked: number
}

export interface PreviewResult {
  previewId: string
  /** what will run, in plain English, rendered from the validated command (never from the sentence) */
  readBack: string
  /**
   * Set when the local and the LLM tier disagree: every reading with its own preview. Nothing is committed until the
   * operator picks one: commit takes its canonical text.
   */
  candidates: PreviewCandidate[]
  /**
   * Commit must name the canonical text the person saw (`commit({ previewId, canonical })`): always for an LLM-tier
   * reading and for disagreeing tiers (issue 11, attack 6).
   */
  confirmCanonical: boolean
  kind: 'commit' | 'rollback'
  rollbackOf: string | null
  createdAt: string
  /** the workspace's demo clock */
  asOf: string
  sentence: string
  command: Command | RollbackCommand
  canonical: string
  parser: ParserTier | 'rollback'
  scopeText: string
  matched: number
  affected: number
  blocked: number
  blockedReasons: BlockedReason[]
  money: PreviewMoney
  warnings: string[]
  /** for a rollback: pending ops of the batch that the rollback discards (never sent) */
  discards: number
  fingerprint: string
  /** whether the signed-in user may commit (else: save a draft) */
  canCommit: boolean
  elapsedMs: number
}

export const previewRowsInput = z.object({
  previewId: z.string().min(1).max(64),
  /** 'affected' (what a commit writes), 'blocked' (all blocked) or one blocked reason code */
  which: z.string().min(1).max(64).default('affected'),
  startRow: z.number().int().min(0).max(100_000_000).default(0),
  endRow: z.number().int().min(1).max(100_000_000).default(100),
})
export type PreviewRowsInput = z.input<typeof previewRowsInput>

export type PreviewRow = LineRow & { blockedReason: string | null; blockedLabel: string | null; planChangesMonth: number }

export interface PreviewRowsPage {
  rows: PreviewRow[]
  rowCount: number
}

// ---------------------------------------------------------------------------------------------------------------------
// Commit, draft, rollback

export const commitInput = z.object({
  previewId: z.string().min(1).max(64),
  /**
   * The canonical text of the command the person saw and confirms. Required when the preview says `confirmCanonical`
   * (an LLM reading, disagreeing tiers: then it picks the candidate); when given, it must equal what will run.
   */
  canonical: z.string().max(20_000).optional(),
})
export const rollbackPreviewInput = z.object({ batchId: z.string().min(1).max(64) })

export interface CommitResult {
  batchId: string
  kind: 'commit' | 'rollback' | 'draft'
  /** operations written to the outbox (0 for a draft) */
  ops: number
  /** ops of the rolled-back batch discarded before they were ever sent */
  discarded: number
  /** 'pending': queued in the outbox, the sync engine pushes them; 'draft': nothing will be sent */
  status: 'pending' | 'draft'
  message: string
}

// ---------------------------------------------------------------------------------------------------------------------
// History


export const historyInput = z.object({
  text: z.string().max(200).default(''),
  kind: z.enum(BATCH_KINDS).optional(),
  /** batches with at least one op in this status */
  status: z.enum(OP_STATUSES).optional(),
  actor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
})
export type HistoryInput = z.input<typeof historyInput>

export interface BatchSummary {
  id: string
  createdAt: string
  actor: string
  actorName: string
  role: string
  kind: 'commit' | 'rollback' | 'draft'
  sentence: string
  canonical: string
  parser: string
  rollbackOf: string | null
  /** the rollback batch that undid this one, if any */
  rolledBackBy: string | null
  matched: number
  blocked: number
  mrrDeltaCents: number
  prorationCents: number
  creditsCents: number
  ops: Record<OpStatus, number>
  opsTotal: number
}

export interface HistoryPage {
  batches: BatchSummary[]
  total: number
}

export const batchInput = z.object({
  batchId: z.string().min(1).max(64),
  status: z.enum(OP_STATUSES).optional(),
  startRow: z.number().int().min(0).default(0),
  endRow: z.number().int().min(1).default(200),
})
export type BatchInput = z.input<typeof batchInput>

export interface BatchOp {
  seq: number
  lineId: number
  msisdn: string | null
  action: string
  params: Record<string, unknown>
  previous: Record<string, unknown>
  baseVersion: number
  status: OpStatus
  reason: string | null
  attempts: number
  createdAt: string
  resolvedAt: string | null
}

export interface BatchDetail {
  batch: BatchSummary
  command: unknown
  summary: Record<string, unknown>
  ops: BatchOp[]
  /** ops matching the status filter */
  opCount: number
}

// ---------------------------------------------------------------------------------------------------------------------
// The handler interface and the sub-router

export interface ConsoleApi {
  parse(input: z.output<typeof parseInput>): Promise<ConsoleParseResult>
  parseList(input: z.output<typeof parseListInput>): Promise<ParsedLineList>
  selectionScope(input: z.output<typeof selectionScopeInput>): Promise<{ kind: 'list'; source: string; msisdns: string[] }>
  preview(input: z.output<typeof previewInput>): Promise<PreviewResult>
  previewRows(input: z.output<typeof previewRowsInput>): Promise<PreviewRowsPage>
  commit(input: z.output<typeof commitInput>): Promise<CommitResult>
  saveDraft(input: z.output<typeof commitInput>): Promise<CommitResult>
  rollbackPreview(input: z.output<typeof rollbackPreviewInput>): Promise<PreviewResult>
  history(input: z.output<typeof historyInput>): Promise<HistoryPage>
  batch(input: z.output<typeof batchInput>): Promise<BatchDetail>
  sessionCurrent(): Promise<SessionState>
  sessionUsers(): Promise<SessionUser[]>
  signInDemo(input: { role: Role }): Promise<SessionState>
  signOut(): Promise<SessionState>
}
