// `npm run -s bench -- sync --lines 1000000 --json`: the sync engine against TEST_DATABASE_URL's server.
//
// The central data lives in a dedicated database (wingtel_bench_sync_<lines>), filled once with the <lines>-line,
// <months>-month demo and reused while its fill marker matches. The fill uses the central side's demo fill when this
// build has one; otherwise it copies the shared bench workspace (bench/workspace.ts) into Postgres with the sync log off
// and then rotates the sync instance (every cursor resets), exactly like a bulk demo fill.
//
// Prints:
// - bootstrap_s, bootstrap_rows_per_s: a fresh workspace pulled to "up to date" through the sync worker (the app path);
//   with where the time went (bulk path: wait = COPY streaming + parsing, write, index build, log replay, per table),
//   the process's CPU (sync worker included), the server backends' CPU and the load average; --bootstrap-only stops there;
// - incremental_visible_p50_ms (+p95): server COMMIT of a plain UPDATE → the row readable in the local store, the engine
//   live on the central side's pokes alone (LISTEN sync_changes, NOTIFYed by migration 8; no poll);
// - push_ops_per_s over --ops (default 10,000) ops, with the CPU it took here (main + sync worker) and on the server
//   (the engine's backends, by application_name);
// --rpc pages the bulk snapshot through sync_snapshot_chunk (the Supabase / PostgREST path) instead of COPY.
// --from-copy skips the bootstrap: the workspace starts as a copy of the file the central database was filled from
// (see prepareFromCopy), for measuring incremental and push alone.
// - page_local_p95_ms beside page_central_p95_ms: the same 100-row grid pages (default order at random offsets, and
//   sorted by data used among active lines) from the local store (lines.list through the API caller) and from central
//   Postgres through `pg` as an operator under RLS, in the same run, with their ratio.
import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { SYNCED_TABLES } from '../src/shared/sync/protocol'
import { createApi, createCaller } from '../src/core/app/api'
import { fromPgClient, fromPgPool } from '../src/central/client'
import { fillCentralDemo } from '../src/central/demo-fill'
import { applyCentralMigrations } from '../src/central/migrate'
import { flagNumber, flagString, type ParsedArgs } from '../src/cli/registry'
import { openDatabase, openSqlite } from '../src/core/store/open'
import { WorkerSyncClient } from '../src/core/sync/host'
import { META } from '../src/core/sync/replica'
import type { BulkStats } from '../src/core/sync/bootstrap/stats'
import { remoteIdOf, type EngineEvent } from '../src/core/sync/engine'
import { claimsFor, type RemoteConfig } from '../src/core/sync/remotes/remote'
import { Workspace } from '../src/core/store/workspace'
import { insertLocalOps } from '../src/core/sync/testing/test-checksums'
import { BENCH_AS_OF } from './workspace'

const log = (s: string) => process.stderr.write(`[bench sync] ${s}\n`)

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100
}

function compact(n: number): string {
  return n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n % 1000 === 0 ? `${n / 1000}k` : String(n)
}

const ENGINE_APP = 'wingtel-bench-sync-engine'

/** CPU ms used so far by each server backend of the engine, when the server runs on this machine. */
async function serverCpuMs(pool: pg.Pool): Promise<Map<number, number> | null> {
  const pids = (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [ENGINE_APP])).rows.map((r) => r.pid)
  const out = new Map<number, number>()
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10)
    } catch {
      if (!existsSync('/proc/self/stat')) return null
    }
  }
  return out
}

function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let ms = 0
  for (const [pid, v] of b) ms += v - (a.get(pid) ?? 0)
  return ms
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
  const src = openSqlite(ws.path, { readonly: true })
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

/**
 * --from-copy: instead of bootstrapping, start from a copy of the workspace the central database was filled from (same
 * rows, same row versions; the fill bypassed the change log), marked as synced with a log cursor from the start of the
 * log, so the first pull replays only what changed centrally since the fill (earlier bench runs). The cursor follows
 * sync_pull's log cursor (migration 3; opaque to the app, built here only for this shortcut) and is checked with the
 * server first: a reset would mean a full bootstrap.
 */
async function prepareFromCopy(pool: pg.Pool, dbPath: string, remote: RemoteConfig & { kind: 'postgres' }, lines: number, months: number): Promise<void> {
  const { ensureBenchWorkspace } = await import('./workspace')
  const src = await ensureBenchWorkspace({ lines, months })
  const m = (await pool.query<{ i: string; v: number }>('SELECT instance_id::text AS i, sync_schema_version() AS v FROM sync_meta')).rows[0]
  const cursor = JSON.stringify({ v: m.v, i: m.i, p: 'l', x: '0', s: 0 })
  const conn = await pool.connect()
  try {
    await conn.query('BEGIN')
    await conn.query('SET LOCAL ROLE authenticated')
    await conn.query("SELECT set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)", [JSON.stringify(remote.claims), remote.claims.sub])
    const r = await conn.query<{ reset: boolean }>("SELECT (sync_pull($1::text, 1)::jsonb ->> 'reset')::boolean AS reset", [cursor])
    await conn.query('COMMIT')
    if (r.rows[0].reset) throw new Error('--from-copy: the server resets a log cursor from the start of the log (cursor format changed?)')
  } finally {
    conn.release()
  }
  log(`copying ${src.path} to ${dbPath}`)
  copyFileSync(src.path, dbPath)
  openDatabase(dbPath).close() // local migrations, if the copy lacks any
  const db = openSqlite(dbPath)
  try {
    const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    db.transaction(() => {
      set.run(META.remoteId, remoteIdOf(remote))
      set.run(META.cursor, cursor)
      set.run(META.phase, 'log')
      // a fresh workstation identity: op ids restart at the copy's, so a reused client id would replay as duplicates
      db.prepare('DELETE FROM meta WHERE key = ?').run(META.clientId)
    })()
  } finally {
    db.close()
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
  const claims = claimsFor('operator')
  // the engine's connections carry an application_name, so the server CPU they use can be told apart
  const engineUrl = new URL(central.url)
  engineUrl.searchParams.set('application_name', ENGINE_APP)
  // --rpc: the bulk snapshot paged through sync_snapshot_chunk (the Supabase / PostgREST path) instead of COPY
  const remoteCfg = { kind: 'postgres' as const, url: engineUrl.toString(), claims, pollMs: 0, snapshotVia: args.flags.rpc ? ('rpc' as const) : undefined }
  out.snapshot_via = args.flags.rpc ? 'rpc' : 'copy'
  const fromCopy = Boolean(args.flags['from-copy'])
  out.from_copy = fromCopy
  if (fromCopy) {
    const p = new pg.Pool({ connectionString: central.url, max: 1 })
    try {
      await prepareFromCopy(p, dbPath, remoteCfg, lines, months)
    } finally {
      await p.end()
    }
  } else openDatabase(dbPath).close() // migrated, empty
  const events: EngineEvent[] = []
  let lastProgress = 0
  const client = new WorkerSyncClient({
    dbPath,
    remote: remoteCfg,
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
    const bootSrv0 = await serverCpuMs(pool)
    const bootCpu0 = process.cpuUsage() // the whole process: the sync worker thread included
    out.bootstrap_load_avg = loadavg().map((x) => Math.round(x * 100) / 100)
    const t0 = performance.now()
    // the engine's COPY connections may be closed (pool idle timeout) before the bootstrap ends: sample the backends
    // while it runs, keeping each one's last figure
    const seen = new Map<number, number>()
    const sample = async () => {
      for (const [pid, ms] of (await serverCpuMs(pool).catch(() => null)) ?? []) seen.set(pid, ms)
    }
    const sampler = setInterval(() => void sample(), 1000)
    let boot: Awaited<ReturnType<WorkerSyncClient['pull']>> & { bulk?: BulkStats }
    try {
      boot = (await client.pull({ limit: pageLimit })) as typeof boot
    } finally {
      clearInterval(sampler)
    }
    const bootS = (performance.now() - t0) / 1000
    const bootCpu = process.cpuUsage(bootCpu0)
    await sample()
    const bootSrv1 = bootSrv0 ? seen : null
    const s1 = (ms: number) => Math.round(ms / 100) / 10
    out.bootstrap_s = Math.round(bootS * 10) / 10
    out.bootstrap_rows = boot.changes
    out.bootstrap_pages = boot.pages
    out.bootstrap_rows_per_s = Math.round(boot.changes / bootS)
    // where the time went: waiting on the server (bulk: COPY streaming + parsing as it arrives) vs writing SQLite
    // (the worker; the index build included)
    out.bootstrap_server_wait_s = s1(boot.waitMs ?? 0)
    out.bootstrap_local_apply_s = s1(boot.applyMs ?? 0)
    out.bootstrap_path = boot.bulk ? 'bulk' : 'json'
    if (boot.bulk) {
      out.bootstrap_write_s = s1(boot.bulk.applyMs)
      out.bootstrap_index_build_s = s1(boot.bulk.indexMs)
      // lines' indexes built by a worker thread in a scratch file meanwhile (its copy-out, its index build)
      // the worker lanes (lane.ts): each one's tables, their copy and index build in its worker thread, this thread's own
      // index build, its wait for the lane, moving the lane's tables in
      if (boot.bulk.lanes) out.bootstrap_lanes = boot.bulk.lanes.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k.replace(/Ms$/, '_s'), typeof v === 'number' ? s1(v) : v])))
      if (boot.bulk.aside) out.bootstrap_index_aside = Object.fromEntries(Object.entries(boot.bulk.aside).map(([k, v]) => [k.replace(/Ms$/, '_s'), s1(v)]))
      out.bootstrap_log_replay_s = s1(boot.ms - boot.bulk.waitMs - boot.bulk.applyMs - boot.bulk.indexMs)
      out.bootstrap_tables = Object.fromEntries(Object.entries(boot.bulk.tables).map(([t, v]) => [t, { rows: v.rows, wait_s: s1(v.waitMs), write_s: s1(v.applyMs) }]))
    }
    out.bootstrap_cpu_s = s1((bootCpu.user + bootCpu.system) / 1000)
    if (bootSrv0 && bootSrv1) out.bootstrap_server_cpu_s = s1(cpuDelta(bootSrv0, bootSrv1))
    out.bootstrap_load_avg_after = loadavg().map((x) => Math.round(x * 100) / 100)
    log(`bootstrap: ${boot.changes} rows in ${out.bootstrap_s} s`)
    if (args.flags['bootstrap-only']) return out
    if (fromCopy) {
      // not a bootstrap: the catch-up on the log since the fill
      for (const k of Object.keys(out)) if (k.startsWith('bootstrap_')) delete out[k]
      out.catchup_s = Math.round(bootS * 10) / 10
      out.catchup_changes = boot.changes
    }

    // 2. incremental: commit on the server (with the poke), wait until the local store shows it
    const reader = openSqlite(dbPath, { readonly: true })
    const readLine = reader.prepare('SELECT data_used_mb AS v FROM lines WHERE id = ?')
    const ids = (reader.prepare('SELECT id FROM lines ORDER BY id LIMIT 1000').all() as Array<{ id: number }>).map((r) => r.id)
    const lat: number[] = []
    // values no earlier run wrote (else the row may already show it: a zero latency)
    const runBase = 1_000_000 + (Date.now() % 1_000_000) * 1000
    const writer = await pool.connect()
    let incCpu: NodeJS.CpuUsage | null = null
    let incSrv: [Map<number, number> | null, Map<number, number> | null] = [null, null]
    try {
      await client.pull() // settle
      incSrv = [await serverCpuMs(pool), null]
      incCpu = process.cpuUsage()
      for (let i = 0; i < samples; i++) {
        const id = ids[(i * 37) % ids.length]
        const v = runBase + i
        await writer.query('BEGIN')
        await writer.query('UPDATE lines SET data_used_mb = $1 WHERE id = $2', [v, id])
        await writer.query('COMMIT')
        const c0 = performance.now()
        for (;;) {
          if ((readLine.get(id) as { v: number } | undefined)?.v === v) break
          if (performance.now() - c0 > 30_000) throw new Error(`line ${id} not visible after 30 s`)
          await new Promise((r) => setTimeout(r, 1))
        }
        lat.push(performance.now() - c0)
      }
      incCpu = process.cpuUsage(incCpu)
      incSrv[1] = await serverCpuMs(pool)
    } finally {
      writer.release()
      reader.close()
    }
    out.incremental_visible_p50_ms = pct(lat, 50)
    out.incremental_visible_p95_ms = pct(lat, 95)
    // CPU over all the samples (wall: the latencies above plus the writer's round trips)
    if (incCpu) out.incremental_client_cpu_s = Math.round((incCpu.user + incCpu.system) / 10_000) / 100
    if (incSrv[0] && incSrv[1]) out.incremental_server_cpu_s = Math.round(cpuDelta(incSrv[0], incSrv[1]) / 10) / 100

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
      const srv0 = await serverCpuMs(pool)
      const cpu0 = process.cpuUsage()
      const p0 = performance.now()
      const pushed = await client.push({ batchSize: 1000, ignoreBackoff: true })
      const pushS = (performance.now() - p0) / 1000
      const cpu1 = process.cpuUsage(cpu0)
      const srv1 = await serverCpuMs(pool)
      out.push_ops = pushed.sent
      out.push_applied = pushed.applied
      out.push_rejected = pushed.rejected
      out.push_conflict = pushed.conflict
      out.push_ops_per_s = Math.round(pushed.sent / pushS)
      out.push_wall_s = Math.round(pushS * 100) / 100
      // CPU beside wall time (the machine is shared): this process (main + sync worker) and the server backends
      out.push_client_cpu_s = Math.round((cpu1.user + cpu1.system) / 10_000) / 100
      if (srv0 && srv1) out.push_server_cpu_s = Math.round(cpuDelta(srv0, srv1) / 10) / 100

      // 4. the same 100-row grid pages, local vs central
      const caller = createCaller(createApi(ws))
      const total = lines
      const pages: Array<{ offset: number; sorted: boolean }> = []
      // --no-pages: skip them (40 central queries of seconds each: heavy on a shared machine)
      for (let i = 0; i < (args.flags['no-pages'] ? 0 : 40); i++) pages.push({ offset: Math.floor(((i * 7919) % 1000) / 1000 * Math.min(total - 100, 50_000)), sorted: i % 2 === 1 })
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
      if (pages.length === 0) for (const k of Object.keys(out)) if (k.startsWith('page_')) delete out[k]
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
