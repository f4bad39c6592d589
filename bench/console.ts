// `npm run -s bench -- console --lines 1000000 --json`: the console's figures on the shared bench workspace.
// - parse_p95_ms: the parser's measureParse() (bench/console-parse.ts) over docs/console-examples.jsonl;
// - preview_p95_ms: cohort previews (count + blocked breakdown + money, one aggregate query each) over all lines;
// - commit_ms: a 100,000-line batch into the outbox, inside a transaction that is rolled back afterwards, so the
//   shared bench file is left exactly as it was.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SessionUser } from '../src/shared/api/console'
import { DEMO_USERS } from '../src/shared/api/console'
import type { Command } from '../src/shared/command/schema'
import { asOfOf, loadCatalog } from '../src/core/console/catalog'
import { commitCommand } from '../src/core/console/commit'
import { runPreview } from '../src/core/console/preview'
import { aggregateQuery } from '../src/core/console/preview-evaluate'
import { planCommand } from '../src/core/console/preview-plan'
import { Workspace } from '../src/core/store/workspace'
import type { ParsedArgs } from '../src/cli/registry'
import { ensureBenchWorkspace } from './workspace'

const cohort = (where: unknown[]) => ({ kind: 'cohort', where }) as Command['scope']

/**
 * The cohort commands of docs/console-examples.jsonl (`broad: false`), and broad ones that match most of the
 * million lines (`broad: true`, the worst case: every line is read). Both are reported; preview_p95_ms covers all.
 */
export const PREVIEW_COMMANDS: Array<{ name: string; command: Command; broad?: boolean }> = [
  { name: 'suspend failed_payments > 3', command: { action: 'suspend', params: {}, scope: cohort([{ field: 'failed_payments', op: '>', value: 3 }]) } },
  {
    name: 'change_plan DATA_5 remaining < 500 → DATA_15',
    command: { action: 'change_plan', params: { plan: 'DATA_15' }, scope: cohort([{ field: 'plan', op: '=', value: 'DATA_5' }, { field: 'data_remaining_mb', op: '<', value: 500 }]) },
  },
  {
    name: 'tag suspended in TX',
    command: { action: 'tag', params: { tag: 'follow-up' }, scope: cohort([{ field: 'status', op: '=', value: 'suspended' }, { field: 'state', op: '=', value: 'TX' }]) },
  },
  {
    name: 'remove INTL from IOT_500',
    command: { action: 'remove_addon', params: { addon: 'INTL' }, scope: cohort([{ field: 'addon', op: '=', value: 'INTL' }, { field: 'plan', op: '=', value: 'IOT_500' }]) },
  },
  {
    name: 'sms active HOMEFI_UNL',
    command: {
      action: 'send_notification',
      params: { channel: 'sms', message: 'Maintenance tonight from 1am to 3am' },
      scope: cohort([{ field: 'status', op: '=', value: 'active' }, { field: 'plan', op: '=', value: 'HOMEFI_UNL' }]),
    },
  },
  {
    name: 'credit business > 30 days past due',
    command: { action: 'credit_wallet', params: { amount_cents: 1000 }, scope: cohort([{ field: 'account_type', op: '=', value: 'business' }, { field: 'days_past_due', op: '>', value: 30 }]) },
  },
  { name: 'suspend past_due > $100', command: { action: 'suspend', params: {}, scope: cohort([{ field: 'past_due_cents', op: '>', value: 10000 }]) } },
  {
    name: 'change_plan DATA_15 used < 2 GB → DATA_5',
    command: { action: 'change_plan', params: { plan: 'DATA_5' }, scope: cohort([{ field: 'plan', op: '=', value: 'DATA_15' }, { field: 'data_used_mb', op: '<', value: 2048 }]) },
  },
  // broad: most of the workspace
  { name: 'change_plan every active line → UNL_PLUS', broad: true, command: { action: 'change_plan', params: { plan: 'UNL_PLUS' }, scope: cohort([{ field: 'status', op: '=', value: 'active' }]) } },
  { name: 'add HOTSPOT to every line (empty where)', broad: true, command: { action: 'add_addon', params: { addon: 'HOTSPOT' }, scope: cohort([]) } },
  {
    name: 'tag tenure > 2 years in CA, FL, NY',
    broad: false,
    command: { action: 'tag', params: { tag: 'loyal' }, scope: cohort([{ field: 'tenure_days', op: '>', value: 730 }, { field: 'state', op: 'in', value: ['CA', 'FL', 'NY'] }]) },
  },
]

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}
const round = (x: number) => Math.round(x * 10) / 10

async function parseFigures(): Promise<Record<string, unknown>> {
  const here = dirname(fileURLToPath(import.meta.url))
  const file = join(here, 'console-parse.ts')
  if (!existsSync(file)) return { parse_p95_ms: null, parse_note: 'bench/console-parse.ts (measureParse) is not there yet' }
  const mod = (await import(/* @vite-ignore */ file)) as { measureParse?: () => Promise<Record<string, unknown>> | Record<string, unknown> }
  if (typeof mod.measureParse !== 'function') return { parse_p95_ms: null, parse_note: 'bench/console-parse.ts has no measureParse()' }
  const r = await mod.measureParse()
  return { parse_p95_ms: r.parse_p95_ms ?? r.p95_ms ?? null, parse: r }
}

export async function run(args: ParsedArgs): Promise<Record<string, unknown>> {
  const num = (k: string, d: number) => (typeof args.flags[k] === 'string' ? Number(args.flags[k]) : d)
  const lines = num('lines', 1_000_000)
  const reps = num('reps', 5)
  const commitLines = num('commit-lines', 100_000)
  const out: Record<string, unknown> = { lines }
  Object.assign(out, await parseFigures())

  const bw = await ensureBenchWorkspace({ lines, months: num('months', 3), verbose: !args.flags.json })
  const ws = new Workspace({ dbPath: bw.path })
  try {
    const { asOf, fromClock } = asOfOf((k) => ws.meta(k))
    const ctx = { asOf, catalog: loadCatalog(ws.db) }
    const meta = { sentence: '', parser: 'canonical' as const, canCommit: true, dataVersion: ws.dataVersion, asOf, asOfFromClock: fromClock }

    // previews: one warm-up each, then `reps` timed rounds over all commands
    const samples: number[] = []
    const exampleSamples: number[] = []
    const broadSamples: number[] = []
    const per: Record<string, { matched: number; affected: number; p50_ms: number; max_ms: number; plan: string }> = {}
    const byName = new Map<string, number[]>()
    for (const c of PREVIEW_COMMANDS) runPreview(ws.db, c.command, ctx, meta)
    for (let r = 0; r < reps; r++) {
      for (const c of PREVIEW_COMMANDS) {
        const t0 = performance.now()
        const p = runPreview(ws.db, c.command, ctx, meta)
        const ms = performance.now() - t0
        samples.push(ms)
        ;(c.broad ? broadSamples : exampleSamples).push(ms)
        byName.set(c.name, [...(byName.get(c.name) ?? []), ms])
        if (r === 0) {
          const q = aggregateQuery(ws.db, planCommand(ws.db, c.command, ctx))
          const plan = (ws.db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as Array<{ detail: string }>).map((x) => x.detail).join('; ')
          per[c.name] = { matched: p.result.matched, affected: p.result.affected, p50_ms: 0, max_ms: 0, plan: `${p.plan!.from}: ${plan}` }
        }
      }
    }
    for (const [name, xs] of byName) Object.assign(per[name], { p50_ms: round(percentile(xs, 50)), max_ms: round(Math.max(...xs)) })
    out.preview_p95_ms = round(percentile(samples, 95))
    out.preview_p50_ms = round(percentile(samples, 50))
    out.preview_max_ms = round(Math.max(...samples))
    out.preview_samples = samples.length
    out.preview_examples_p95_ms = round(percentile(exampleSamples, 95))
    out.preview_broad_p95_ms = round(percentile(broadSamples, 95))

    // commit: a 100k-line batch, in a transaction rolled back afterwards (the commit's own transaction nests as a savepoint)
    const ids = ws.db.prepare('SELECT msisdn FROM lines ORDER BY id LIMIT ?').pluck().all(commitLines) as string[]
    const command: Command = { action: 'tag', params: { tag: 'bench-commit' }, scope: { kind: 'list', source: 'bench', msisdns: ids } }
    const user: SessionUser = DEMO_USERS.find((u) => u.role === 'operator')!
    const before = ws.db.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }
    const tPrev = performance.now()
    const p = runPreview(ws.db, command, ctx, meta)
    out.commit_preview_ms = round(performance.now() - tPrev)
    ws.db.exec('BEGIN IMMEDIATE')
    try {
      const t0 = performance.now()
      const r = await commitCommand(ws, p, user, ctx)
      out.commit_ms = round(performance.now() - t0)
      out.commit_ops = r.ops
    } finally {
      ws.db.exec('ROLLBACK')
    }
    const after = ws.db.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }
    out.commit_rolled_back = after.n === before.n
    out.targets = { parse_p95_ms: 5, preview_p95_ms: 300, commit_ms: 2000 }
    out.per_command = per
    out.workspace = { path: bw.path, reused: bw.reused, db_mb: bw.db_mb }
  } finally {
    ws.close()
  }
  return out
}
