// Building the dashboard summaries: the expensive part of each dashboard (month × plan movements, per-month MRR
// movements, per-line bill-shock overshoots, the churn model and every live line's score), computed from one read
// snapshot of the workspace and written to the summaries file in one transaction. Runs in the summaries child process
// (dashboards.process.ts) in the app, inline for in-memory workspaces. Only better-sqlite3 and the dashboards' own queries.
import { performance } from 'node:perf_hooks'
import { rmSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { currentStoreKey, fileKind, openSqlite } from '../../store'
import { buildBillShockSummary } from './bill-shock-summary'
import { buildChurnSummary, type ChurnSummary } from './churn-forecast-summary'
import { asOfOf, type Source } from './clock'
import { buildWaterfallSummary, type WaterfallSummary } from './revenue-waterfall-summary'
import { buildGrowthSummary, type GrowthSummary } from './subscriber-growth-summary'

/** Bumped when the summaries' tables or meaning change: an older file is emptied and rebuilt. */
export const SUMMARY_FORMAT = '1'

const TABLES = `
DROP TABLE IF EXISTS growth;
DROP TABLE IF EXISTS waterfall;
DROP TABLE IF EXISTS bill_shock;
DROP TABLE IF EXISTS churn_scores;
CREATE TABLE growth (month TEXT NOT NULL, plan TEXT, activations INTEGER NOT NULL, reactivations INTEGER NOT NULL, disconnects INTEGER NOT NULL);
CREATE TABLE waterfall (month TEXT PRIMARY KEY, closing INTEGER, lines INTEGER, new INTEGER, churn INTEGER, expansion INTEGER, contraction INTEGER);
CREATE TABLE bill_shock (line_id INTEGER PRIMARY KEY, plan_code TEXT NOT NULL, overshoot INTEGER NOT NULL);
CREATE TABLE churn_scores (line_id INTEGER PRIMARY KEY, logit REAL);`

const INDEXES = `
CREATE INDEX growth_month ON growth (month, plan);
CREATE INDEX bill_shock_rank ON bill_shock (overshoot DESC, line_id);
CREATE INDEX churn_scores_rank ON churn_scores (logit DESC, line_id);`

/** The base tables the dashboards read that grow by appending: their max rowid is part of the data fingerprint. */
const APPENDED = ['lines', 'line_events', 'invoices', 'invoice_items', 'payments', 'care_interactions', 'usage_cycles']

/**
 * A cheap fingerprint of what the dashboards read: the as-of date, the plans, and the last rowid of each appended table.
 * It catches a regenerated workspace and rows appended by a process that did not announce them; updates in place are
 * caught by the data generation (bumped on Workspace.changed, see summaries.ts).
 */
export function fingerprint(src: Source): string {
  const tops = APPENDED.map((t) => (src.db.prepare(`SELECT max(rowid) AS m FROM ${t}`).get() as { m: number | null }).m ?? 0)
  const plans = (src.db.prepare("SELECT group_concat(code || ':' || coalesce(data_mb, '') || ':' || kind, ',') AS p FROM plans").get() as { p: string | null }).p
  return JSON.stringify([src.meta('as_of'), plans, ...tops])
}

/** What a build recorded about itself, stored in the summaries file's state table. */
export interface BuiltState {
  /** the data generation (state key dirty_gen) read before the snapshot was taken */
  generation: number
  fingerprint: string
  asOf: string
  builtAt: string
  buildMs: number
  growth: GrowthSummary
  waterfall: WaterfallSummary
  churn: ChurnSummary
}

export interface BuildStats {
  generation: number
  builtAt: string
  ms: number
  parts: { growth: number; waterfall: number; billShock: number; churn: number; write: number }
  rows: { growth: number; waterfall: number; billShock: number; churnScores: number }
}

/** Opens (creating if needed) a summaries file; one of another format is emptied. */
export function openSummaries(path: string): Database.Database {
  // summaries in the clear beside an encrypted workspace (from before encryption) are derived data: start over
  if (path !== ':memory:' && currentStoreKey() && fileKind(path) === 'plain') for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true })
  const db = openSqlite(path)
  if (path !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    const format = db.prepare("SELECT value FROM state WHERE key = 'format'").get() as { value: string } | undefined
    if (format?.value !== SUMMARY_FORMAT) {
      db.exec("DELETE FROM state WHERE key IN ('format', 'built')")
      db.prepare("INSERT INTO state (key, value) VALUES ('format', ?)").run(SUMMARY_FORMAT)
    }
    db.exec("INSERT OR IGNORE INTO state (key, value) VALUES ('dirty_gen', '0')")
  }).immediate()
  return db
}

export function dirtyGeneration(dash: Database.Database): number {
  return Number((dash.prepare("SELECT value FROM state WHERE key = 'dirty_gen'").get() as { value: string } | undefined)?.value ?? 0)
}

export function builtState(dash: Database.Database): BuiltState | null {
  const row = dash.prepare("SELECT value FROM state WHERE key = 'built'").get() as { value: string } | undefined
  return row ? (JSON.parse(row.value) as BuiltState) : null
}

/**
 * Computes every summary from one snapshot of `src` and replaces the summaries in `dash`. The generation is read before
 * the snapshot starts, so a change announced after that makes this build stale (and triggers another), never the
 * reverse.
 */
export function buildSummaries(src: Source, dash: Database.Database): BuildStats {
  const t0 = performance.now()
  const generation = dirtyGeneration(dash)
  const own = !src.db.inTransaction
  if (own) src.db.exec('BEGIN')
  const lap = (() => {
    let t = performance.now()
    return () => {
      const now = performance.now()
      const d = now - t
      t = now
      return Math.round(d)
    }
  })()
  let fp: string, asOf: string, growth, waterfall, shock, churn
  const parts = { growth: 0, waterfall: 0, billShock: 0, churn: 0, write: 0 }
  try {
    fp = fingerprint(src)
    asOf = asOfOf(src)
    lap()
    growth = buildGrowthSummary(src, asOf)
    parts.growth = lap()
    waterfall = buildWaterfallSummary(src, asOf)
    parts.waterfall = lap()
    shock = buildBillShockSummary(src, asOf)
    parts.billShock = lap()
    churn = buildChurnSummary(src, asOf)
    parts.churn = lap()
  } finally {
    if (own) src.db.exec('COMMIT')
  }
  const builtAt = new Date().toISOString()
  dash
    .transaction(() => {
      dash.exec(TABLES)
      const g = dash.prepare('INSERT INTO growth VALUES (?, ?, ?, ?, ?)')
      for (const r of growth.rows) g.run(r.month, r.plan, r.activations, r.reactivations, r.disconnects)
      const w = dash.prepare('INSERT INTO waterfall VALUES (?, ?, ?, ?, ?, ?, ?)')
      for (const r of waterfall.rows) w.run(r.month, r.closing, r.lines, r.new, r.churn, r.expansion, r.contraction)
      const b = dash.prepare('INSERT INTO bill_shock VALUES (?, ?, ?)')
      for (const r of shock) b.run(r[0], r[1], r[2])
      const c = dash.prepare('INSERT INTO churn_scores VALUES (?, ?)')
      for (const r of churn.scored) c.run(r[0], r[1])
      dash.exec(INDEXES)
      const state: BuiltState = {
        generation,
        fingerprint: fp,
        asOf,
        builtAt,
        buildMs: Math.round(performance.now() - t0),
        growth: growth.meta,
        waterfall: waterfall.meta,
        churn: churn.summary,
      }
      dash.prepare("INSERT INTO state (key, value) VALUES ('built', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(state))
    })
    .immediate()
  parts.write = lap()
  return {
    generation,
    builtAt,
    ms: Math.round(performance.now() - t0),
    parts,
    rows: { growth: growth.rows.length, waterfall: waterfall.rows.length, billShock: shock.length, churnScores: churn.scored.length },
  }
}

/** The child's side: opens the workspace file read-only and the summaries file, builds, closes both. */
export function buildSummariesFile(dbPath: string, summariesPath: string): BuildStats {
  const db = openSqlite(dbPath, { readonly: true })
  db.pragma('cache_size = -65536')
  db.pragma('mmap_size = 1073741824')
  const dash = openSummaries(summariesPath)
  try {
    const meta = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null
    return buildSummaries({ db, meta }, dash)
  } finally {
    dash.close()
    db.close()
  }
}
