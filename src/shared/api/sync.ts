import { z } from 'zod'

export const SYNC_SOURCES = ['sandbox', 'supabase', 'postgres'] as const
export type SyncSource = (typeof SYNC_SOURCES)[number]

/** Workstation roles carried in the JWT's app_metadata. */
export const SYNC_ROLES = ['operator', 'analyst', 'agent', 'finance', 'admin'] as const
export type SyncRole = (typeof SYNC_ROLES)[number]

export interface BootstrapProgress {
  /** rows applied since this bootstrap started */
  rows: number
  /** the server's estimate of what remains (null when unknown) */
  remaining: number | null
  rowsPerSec: number
  /** seconds, null until a rate is known */
  etaSeconds: number | null
  /** the table the last page came from */
  table: string | null
  /** of `rows`: those the bulk bootstrap's second lane (a worker thread copying lines, their accounts and daily usage) has stored */
  laneRows?: number
  /** bulk bootstrap: copying rows, or (every row copied) building the indexes */
  stage?: 'copying' | 'indexing'
}

export interface SyncStatus {
  source: SyncSource
  /** a human label of the remote: "Sandbox", the Supabase URL, the Postgres host */
  remoteLabel: string
  online: boolean
  signedInAs: string | null
  /** 'idle' or what runs now */
  activity: 'idle' | 'pulling' | 'bootstrapping' | 'pushing'
  /** the cursor's phase: none (never synced / reset), snapshot (bootstrap under way), log (incremental) */
  phase: 'none' | 'snapshot' | 'log'
  /** wall-clock time of the last pull that reached has_more=false */
  dataAsOf: string | null
  horizon: string | null
  /** xids between the horizon of the last pull and the server's next xid then (direct/sandbox only) */
  horizonLag: number | null
  pending: number
  rejected: number
  conflict: number
  bootstrap: BootstrapProgress | null
  lastError: string | null
  lastPullAt: string | null
  lastPushAt: string | null
}

export interface SyncProblem {
  seq: number
  batchId: string
  lineId: number
  action: string
  params: Record<string, unknown>
  status: 'rejected' | 'conflict'
  reason: string | null
  baseVersion: number
  createdAt: string
  resolvedAt: string | null
  sentence: string | null
}

export interface PullSummary {
  pages: number
  changes: number
  reset: boolean
  bootstrapped: boolean
  phase: 'snapshot' | 'log'
  upToDate: boolean
  horizon: string | null
  ms: number
  /** time spent waiting for the server (fetching, with the next page prefetched during each apply) */
  waitMs?: number
  /** time spent writing pages to the local store */
  applyMs?: number
}

export interface PushSummary {
  sent: number
  applied: number
  rejected: number
  conflict: number
  /** ops still pending (network errors, backoff not elapsed) */
  pending: number
  ms: number
}

export interface SyncSettings {
  source: SyncSource
  supabaseUrl: string | null
  /** the anon key is public by design; it is shown so the user can check it */
  supabaseAnonKey: string | null
  /** the Postgres URL without its password */
  postgresUrl: string | null
  /** the role claimed on direct Postgres / sandbox connections (Supabase takes it from the signed-in user) */
  actAsRole: SyncRole
  signedInAs: string | null
  /** the secret store in use: 'safeStorage' in the desktop app, 'file' headless */
  secretStore: string
}

export const settingsInput = z.discriminatedUnion('source', [
  z.object({ source: z.literal('sandbox'), actAsRole: z.enum(SYNC_ROLES).optional() }),
  z.object({
    source: z.literal('supabase'),
    supabaseUrl: z.url().max(500),
    supabaseAnonKey: z.string().min(10).max(2000),
  }),
  z.object({
    source: z.literal('postgres'),
    postgresUrl: z
      .string()
      .max(1000)
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres://'),
    actAsRole: z.enum(SYNC_ROLES).optional(),
  }),
])
export type SettingsInput = z.infer<typeof settingsInput>

export const signInInput = z.object({ email: z.email().max(320), password: z.string().min(1).max(500) })
export const opRef = z.object({ seq: z.number().int().positive() })
export const pullInput = z.object({ limit: z.number().int().min(1).max(10_000).optional() }).default({})

/** The optimistic effect of a line's pending (or applied but not yet pulled) ops; only the fields they change. */
export interface LineOverlay {
  lineId: number
  status?: string
  planCode?: string
  addons?: string
  tags?: string
  ops: Array<{ seq: number; action: string; status: string }>
}

export const overlayInput = z.object({ lineIds: z.array(z.number().int()).max(5000) })

export interface LedgerVerify {
  ok: boolean
  entries: number
  firstBadId: number | string | null
  /** what is wrong with the first bad entry */
  reason: string | null
  /** the head this workstation verified itself (null: only the server's own check was available) */
  verifiedUpTo: number | null
  /** the newest entry signed by a trusted key, and that key's id (null: not signed) */
  signedUpTo: number | null
  signedBy: string | null
  /** describeLedger's line: "Ledger verified up to entry N, signed by K", "… not signed", "… failed at entry N: reason" */
  summary: string
}

/** The one line the UI and the CLI show for a ledger check: "Ledger verified up to entry N, signed by K", … */
export function describeLedger(v: Omit<LedgerVerify, 'summary'>): string {
  if (!v.ok) return `Ledger verification failed at entry ${v.firstBadId ?? '?'}: ${v.reason ?? 'the hash chain does not verify'}`
  if (v.verifiedUpTo === null) return `Ledger verified by the server: ${v.entries} entries (this server cannot be checked from the workstation)`
  if (v.verifiedUpTo === 0) return 'Ledger verified: no entries yet'
  const signed =
    v.signedBy === null || v.signedUpTo === null
      ? 'not signed'
      : v.signedUpTo === v.verifiedUpTo
        ? `signed by ${v.signedBy}`
        : `signed by ${v.signedBy} up to entry ${v.signedUpTo}`
  return `Ledger verified up to entry ${v.verifiedUpTo}, ${signed}`
}

export function ledgerVerifyOf(r: {
  ok: boolean
  entries: number
  first_bad_id: number | string | null
  reason?: string | null
  verified_up_to?: number | null
  signed_up_to?: number | null
  signed_by?: string | null
}): LedgerVerify {
  const v = {
    ok: r.ok,
    entries: r.entries,
    firstBadId: r.first_bad_id,
    reason: r.reason ?? null,
    verifiedUpTo: r.verified_up_to ?? null,
    signedUpTo: r.signed_up_to ?? null,
    signedBy: r.signed_by ?? null,
  }
  return { ...v, summary: describeLedger(v) }
}

export interface SyncApi {
  status(): Promise<SyncStatus>
  pullNow(input: z.output<typeof pullInput>): Promise<PullSummary>
  pushNow(): Promise<PushSummary>
  listProblems(): Promise<SyncProblem[]>
  /** a rejected/conflicting op goes back to pending with a fresh base_version from the local row */
  retryOp(input: { seq: number }): Promise<{ seq: number; baseVersion: number }>
  discardOp(input: { seq: number }): Promise<{ seq: number }>
  getSettings(): Promise<SyncSettings>
  setSettings(input: SettingsInput): Promise<SyncSettings>
  signIn(input: { email: string; password: string }): Promise<{ signedInAs: string }>
  signOut(): Promise<void>
  ledgerVerify(): Promise<LedgerVerify>
  /** pending-op overlay for the lines a grid page or a detail view shows */
  overlay(input: { lineIds: number[] }): Promise<LineOverlay[]>
}
