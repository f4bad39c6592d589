// `npm run -s bench -- sync --lines 1000000 --json`: the sync engine against TEST_DATABASE_URL's server.
//
// The central data lives in a dedicated database (wingtel_bench_sync_<lines>), filled once with the <lines>-line,
// <months>-month demo and reused while its fill marker matches. The fill uses the central side's demo fill when this
// build has one; otherwise it copies the shared bench workspace (bench/workspace.ts) into Postgres with the sync log off
// and then rotates the sync instance (every cursor resets), exactly like a bulk demo fill.
//
// Prints:
// - bootstrap_s, bootstrap_rows_per_s: a fresh workspace pulled to "up to date" through the sync worker (the app path);
// - incremental_visible_p50_ms (+p95): server COMMIT → the row readable in the local store, the engine live on pokes
//   (LISTEN sync_changes; the writer NOTIFYs in its transaction as the central trigger would);
// - push_ops_per_s over --ops (default 10,000) ops;
// - page_local_p95_ms beside page_central_p95_ms: the same 100-row grid pages (default order at random offsets, and
//   sorted by data used among active lines) from the local store (lines.list through the API caller) and from central
//   Postgres through `pg` as an operator under RLS, in the same run, with their ratio.
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { SYNCED_TABLES } from '../src/shared/sync/protocol'
import { createApi, createCaller } from '../src/main/api'
import { fromPgClient, fromPgPool } from '../src/main/central/client'
import { fillCentralDemo } from '../src/main/central/demo-fill'
import { applyCentralMigrations } from '../src/main/central/migrate'
import { flagNumber, flagString, type ParsedArgs } from '../src/main/cli/registry'
import { openDatabase } from '../src/main/db/open'
import { WorkerSyncClient } from '../src/main/sync/host'
import type { EngineEvent } from '../src/main/sync/engine'
import { claimsFor } from '../src/main/sync/remote'
import { Workspace } from '../src/main/workspace/workspace'
import { insertLocalOps } from '../src/main/sync/test-checksums'
import { BENCH_AS_OF } from './workspace'

const log = (s: string) => process.stderr.write(`[bench sync] ${s}\n`)

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100
}

function compact(n: number): string {
  return n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n % 1000 === 0 ? `${n / 1000}k` : String(n)
}

async function ensureDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (r.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const u = new URL(baseUrl)
  u.pathname = `/${name}`
  return u.toString()
}

/** Fast fill: copies the shared bench workspace's synced tables into central Postgres (log off, then rotate). */
async function fillFromWorkspace(pool: pg.Pool, url: string, lines: number, months: number): Promise<void> {
  const serverIsLocal = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname) && !process.env.BENCH_SYNC_NO_FILE_COPY
  const { ensureBenchWorkspace } = await import('./workspace')
  const ws = await ensureBenchWorkspace({ lines, months })
  log(`copying ${ws.path} into central Postgres`)
  const src = new Database(ws.path, { readonly: true })
  const conn = await pool.connect()
  try {
    await conn.query("SET wingtel.sync_log = 'off'")
    await conn.query('SET synchronous_commit = off')
    for (const t of SYNCED_TABLES) {
      const cols = (
        await conn.query<{ column_name: string; udt_name: string; is_identity: string }>(
          `SELECT column_name, udt_name, is_identity FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
          [t],
        )
      ).rows
      const local = new Set((src.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name))
      const use = cols.filter((c) => local.has(c.column_name))
      const names = use.map((c) => `"${c.column_name}"`).join(', ')
      const it = src.prepare(`SELECT ${names} FROM ${t}`).raw(true).iterate() as IterableIterator<unknown[]>
      let total = 0
      if (serverIsLocal) {
        // the server runs on this machine: write a CSV it reads itself (COPY FROM file, superuser), ~10x an INSERT
        // in chunks of 250k rows, each its own short transaction: one long COPY would hold the cluster's snapshot
        // horizon back (every sync_pull on this server would wait for it)
        const file = join(tmpdir(), `wt-bench-sync-${t}.csv`)
        const csv = (v: unknown, udt: string): string => {
          if (v === null || v === undefined) return ''
          if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`
          if (udt === 'bool') return v ? 't' : 'f'
          if (typeof v === 'number' || typeof v === 'bigint') return String(v)
          return `"${String(v).replace(/"/g, '""')}"`
        }
        let fd = -1
        let inFile = 0
        const load = async () => {
          if (fd < 0) return
          closeSync(fd)
          fd = -1
          chmodSync(file, 0o644)
          await conn.query(`COPY ${t} (${names}) FROM '${file}' WITH (FORMAT csv)`)
          rmSync(file, { force: true })
          inFile = 0
        }
        let chunk: string[] = []
        for (const row of it) {
          chunk.push(row.map((v, i) => csv(v, use[i].udt_name)).join(','))
          total++
          if (chunk.length >= 20_000) {
            if (fd < 0) fd = openSync(file, 'w', 0o644)
            writeSync(fd, `${chunk.join('\n')}\n`)
            inFile += chunk.length
            chunk = []
            if (inFile >= 250_000) await load()
          }
        }
        if (chunk.length) {
          if (fd < 0) fd = openSync(file, 'w', 0o644)
          writeSync(fd, `${chunk.join('\n')}\n`)
        }
        await load()
      } else {
        const insert = `INSERT INTO ${t} (${names}) OVERRIDING SYSTEM VALUE SELECT * FROM unnest(${use.map((c, i) => `$${i + 1}::${c.udt_name}[]`).join(', ')})`
        let batch: unknown[][] = use.map(() => [])
        let n = 0
        const flush = async () => {
          if (n === 0) return
          await conn.query(insert, batch)
          total += n
          batch = use.map(() => [])
          n = 0
        }
        // autocommit per statement: short transactions (see above)
        for (const row of it) {
          for (let i = 0; i < use.length; i++) {
            let v = row[i]
            if (use[i].udt_name === 'bool' && typeof v === 'number') v = v !== 0
            batch[i].push(v)
          }
          if (++n >= 5000) await flush()
        }
        await flush()
      }
      const idCol = cols.find((c) => c.is_identity === 'YES')
      if (idCol) await conn.query(`SELECT setval(pg_get_serial_sequence('${t}', '${idCol.column_name}'), greatest((SELECT max(${idCol.column_name}) FROM ${t}), 1))`)
      log(`  ${t}: ${total} rows`)
    }
    const asOf = src.prepare("SELECT value FROM meta WHERE key = 'as_of'").get() as { value: string } | undefined
    if (asOf) await conn.query(`INSERT INTO central_meta (key, value) VALUES ('as_of', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [asOf.value])
    await conn.query('SELECT sync_rotate_instance()')
    await conn.query('ANALYZE')
  } finally {
    conn.release()
    src.close()
  }
}

async function ensureCentral(baseUrl: string, lines: number, months: number, how: 'central' | 'copy'): Promise<{ url: string; fill_s: number; reused: boolean }> {
  const name = `wingtel_bench_sync_${compact(lines)}_${months}mo`
  const marker = `${lines}:${months}`
  let url = await ensureDatabase(baseUrl, name)
  let pool = new pg.Pool({ connectionString: url, max: 2 })
  pool.on('error', () => {})
  try {
    await applyCentralMigrations(fromPgPool(pool))
    const have = await pool.query<{ value: string }>("SELECT value FROM central_meta WHERE key = 'bench_sync_fill'")
    if (have.rows[0]?.value === marker) return { url, fill_s: 0, reused: true }
    const n = await pool.query<{ n: string }>('SELECT count(*) AS n FROM lines')
    if (Number(n.rows[0].n) > 0) {
      // a partial or stale fill (the ledger cannot be emptied: it is append-only): start from a new database
      log('dropping a partial fill')
      await pool.end()
      const admin = new pg.Client({ connectionString: baseUrl })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
      url = await ensureDatabase(baseUrl, name)
      pool = new pg.Pool({ connectionString: url, max: 2 })
      pool.on('error', () => {})
      await applyCentralMigrations(fromPgPool(pool))
    }
    const t0 = performance.now()
    if (how === 'central') {
      // the central side's demo fill: the generator writing through its Postgres sink (one connection)
      log('filling with the central demo fill (fillCentralDemo)')
      const conn = new pg.Client({ connectionString: url })
      await conn.connect()
      try {
        await fillCentralDemo(fromPgClient(conn), { lines, months, asOf: BENCH_AS_OF }, (p) => {
          if (p.done % 100_000 < 1000) log(`  ${p.phase} ${p.done}/${p.total}`)
        })
      } finally {
        await conn.end()
      }
    } else await fillFromWorkspace(pool, url, lines, months)
    await pool.query("INSERT INTO central_meta (key, value) VALUES ('bench_sync_fill', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [marker])
    return { url, fill_s: Math.round((performance.now() - t0) / 100) / 10, reused: false }
  } finally {
    await pool.end().catch(() => {})
  }
}

export async function run(args: ParsedArgs): Promise<Record<string, unknown>> {
  const baseUrl = process.env.TEST_DATABASE_URL
  if (!baseUrl) throw new Error('bench sync needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)')
  const lines = flagNumber(args, 'lines', 1_000_000)
  const months = flagNumber(args, 'months', 3)
  const opsN = flagNumber(args, 'ops', 10_000)
  const samples = flagNumber(args, 'samples', 30)
  const pageLimit = flagNumber(args, 'page', 10_000)
  const out: Record<string, unknown> = { lines, months }

  // --fill central: the central side's demo fill (slow at 1M: it generates again); default: copy the shared bench
  // workspace (the same generator's output) with a server-side COPY when the server runs here, else the central fill
  const fillFlag = flagString(args, 'fill')
  const local = ['127.0.0.1', 'localhost', '::1'].includes(new URL(baseUrl).hostname)
  const how: 'central' | 'copy' = fillFlag === 'central' || (fillFlag !== 'copy' && !local) ? 'central' : 'copy'
  const central = await ensureCentral(baseUrl, lines, months, how)
  out.central_fill = how
  if (args.flags['fill-only']) return { ...out, central_fill_s: central.fill_s, central_reused: central.reused }
  out.central_fill_s = central.fill_s
  out.central_reused = central.reused
  const dir = mkdtempSync(join(tmpdir(), 'wt-bench-sync-'))
  const dbPath = join(dir, 'ws.sqlite')
  openDatabase(dbPath).close() // migrated, empty
  const claims = claimsFor('operator')
  const events: EngineEvent[] = []
  let lastProgress = 0
  const client = new WorkerSyncClient({
    dbPath,
    remote: { kind: 'postgres', url: central.url, claims, pollMs: 0 },
    live: true,
    onEvent: (e) => {
      if (e.type === 'progress' && e.bootstrap && performance.now() - lastProgress > 5000) {
        lastProgress = performance.now()
        log(`bootstrap: ${e.bootstrap.rows} rows, ${e.bootstrap.rowsPerSec} rows/s, ETA ${e.bootstrap.etaSeconds ?? '?'} s (${e.bootstrap.table})`)
      }
      if (e.type === 'changed') events.push(e)
    },
  })
  const pool = new pg.Pool({ connectionString: central.url, max: 3 })
  pool.on('error', () => {})
  try {
    // 1. bootstrap through the worker
    const t0 = performance.now()
    const boot = await client.pull({ limit: pageLimit })
    const bootS = (performance.now() - t0) / 1000
    out.bootstrap_s = Math.round(bootS * 10) / 10
    out.bootstrap_rows = boot.changes
    out.bootstrap_pages = boot.pages
    out.bootstrap_rows_per_s = Math.round(boot.changes / bootS)
    // where the time went: waiting on the server (its sync_pull) vs writing SQLite (the worker)
    out.bootstrap_server_wait_s = Math.round((boot.waitMs ?? 0) / 100) / 10
    out.bootstrap_local_apply_s = Math.round((boot.applyMs ?? 0) / 100) / 10
    log(`bootstrap: ${boot.changes} rows in ${out.bootstrap_s} s`)

    // 2. incremental: commit on the server (with the poke), wait until the local store shows it
    const reader = new Database(dbPath, { readonly: true })
    const readLine = reader.prepare('SELECT data_used_mb AS v FROM lines WHERE id = ?')
    const ids = (reader.prepare('SELECT id FROM lines ORDER BY id LIMIT 1000').all() as Array<{ id: number }>).map((r) => r.id)
    const lat: number[] = []
    const writer = await pool.connect()
    try {
      await client.pull() // settle
      for (let i = 0; i < samples; i++) {
        const id = ids[(i * 37) % ids.length]
        const v = 900_000 + i
        await writer.query('BEGIN')
        await writer.query('UPDATE lines SET data_used_mb = $1 WHERE id = $2', [v, id])
        await writer.query('NOTIFY sync_changes')
        await writer.query('COMMIT')
        const c0 = performance.now()
        for (;;) {
          if ((readLine.get(id) as { v: number } | undefined)?.v === v) break
          if (performance.now() - c0 > 30_000) throw new Error(`line ${id} not visible after 30 s`)
          await new Promise((r) => setTimeout(r, 1))
        }
        lat.push(performance.now() - c0)
      }
    } finally {
      writer.release()
      reader.close()
    }
    out.incremental_visible_p50_ms = pct(lat, 50)
    out.incremental_visible_p95_ms = pct(lat, 95)

    // 3. push: opsN ops on distinct lines, one fresh tag per run so every op applies
    const ws = new Workspace({ dbPath })
    try {
      const tag = `bench${Date.now().toString(36)}`
      const targets = (ws.db.prepare('SELECT id FROM lines ORDER BY id LIMIT ?').all(opsN) as Array<{ id: number }>).map((r) => r.id)
      insertLocalOps(
        ws.db,
        targets.map((id) => ({ line: id, action: 'tag', params: { tag } })),
        `b-${tag}`,
      )
      const p0 = performance.now()
      const pushed = await client.push({ batchSize: 1000, ignoreBackoff: true })
      const pushS = (performance.now() - p0) / 1000
      out.push_ops = pushed.sent
      out.push_applied = pushed.applied
      out.push_ops_per_s = Math.round(pushed.sent / pushS)

      // 4. the same 100-row grid pages, local vs central
      const caller = createCaller(createApi(ws))
      const total = lines
      const pages: Array<{ offset: number; sorted: boolean }> = []
      for (let i = 0; i < 40; i++) pages.push({ offset: Math.floor(((i * 7919) % 1000) / 1000 * Math.min(total - 100, 50_000)), sorted: i % 2 === 1 })
      const localMs: number[] = []
      const centralMs: number[] = []
      for (const p of pages) {
        const q0 = performance.now()
        await caller.lines.list({
          startRow: p.offset,
          endRow: p.offset + 100,
          sort: p.sorted ? [{ colId: 'dataUsedMb', sort: 'desc' }] : [],
          filter: p.sorted ? { status: { filterType: 'set', values: ['active'] } } : {},
        })
        localMs.push(performance.now() - q0)
      }
      const cconn = await pool.connect()
      try {
        for (const p of pages) {
          const q0 = performance.now()
          await cconn.query('BEGIN')
          await cconn.query('SET LOCAL ROLE authenticated')
          await cconn.query("SELECT set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)", [JSON.stringify(claims), claims.sub])
          await cconn.query(
            `SELECT l.*, a.name AS account_name, a.email, a.state, a.zip, a.type AS account_type, a.failed_payments, a.past_due_cents,
                    a.days_past_due, a.wallet_cents
             FROM lines l JOIN accounts a ON a.id = l.account_id
             ${p.sorted ? "WHERE l.status = 'active' ORDER BY l.data_used_mb DESC, l.id" : 'ORDER BY l.id'} LIMIT 100 OFFSET $1`,
            [p.offset],
          )
          await cconn.query('COMMIT')
          centralMs.push(performance.now() - q0)
        }
      } finally {
        cconn.release()
      }
      out.page_local_p95_ms = pct(localMs, 95)
      out.page_central_p95_ms = pct(centralMs, 95)
      out.page_central_over_local = Math.round((out.page_central_p95_ms as number) / Math.max(0.01, out.page_local_p95_ms as number))
    } finally {
      ws.close()
    }
    out.targets = { bootstrap_s: 60, incremental_visible_ms: 2000, push_ops_per_s: 2000 }
    return out
  } finally {
    await client.close()
    await pool.end()
    rmSync(dir, { recursive: true, force: true })
  }
}
