// `npm run -s bench -- grid [--lines 1000000] [--months 3] [--json]`: the subscriber grid, the palette search and the
// line detail through the API layer in process (createCaller, the same validation as the transports), on the shared
// bench workspace (built or reused by ensureBenchWorkspace).
//
// Pages: a fixed mix of grid views (sorts on every kind of column, filters of every kind, quick search, a multi-column
// sort, an infix "contains"), each opened at the top and then scrolled and dragged to deep offsets, as a person does.
// page_* covers every request; page_first_* only the first request of each view (count + first page, nothing cached);
// page_deep_* the requests beyond row 10,000; page_cold_* the requests that computed a count or built an ordered id list
// (once per view and data version), page_warm_* the others.
import { loadavg } from 'node:os'
import type { LinesQuery } from '../src/shared/api/lines'
import { createApi, createCaller } from '../src/core/app/api'
import { linesEngine } from '../src/core/lines/engine'
import { Workspace } from '../src/core/store/workspace'
import { ensureBenchWorkspace } from './workspace'

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100
}

/** Deterministic PRNG (mulberry32) so every run asks the same questions. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VIEWS: Array<{ name: string; q: LinesQuery }> = [
  { name: 'default (id order)', q: {} },
  { name: 'msisdn asc', q: { sort: [{ colId: 'msisdn', sort: 'asc' }] } },
  { name: 'data used desc', q: { sort: [{ colId: 'dataUsedMb', sort: 'desc' }] } },
  { name: 'account name asc', q: { sort: [{ colId: 'accountName', sort: 'asc' }] } },
  { name: 'activated desc', q: { sort: [{ colId: 'activatedAt', sort: 'desc' }] } },
  { name: 'status=active by data used desc', q: { filter: { status: { filterType: 'set', values: ['active'] } }, sort: [{ colId: 'dataUsedMb', sort: 'desc' }] } },
  { name: 'suspended by past due desc', q: { filter: { status: { filterType: 'set', values: ['suspended'] } }, sort: [{ colId: 'pastDueCents', sort: 'desc' }] } },
  { name: 'plan in (DATA_5, DATA_15) by wallet', q: { filter: { planCode: { filterType: 'set', values: ['DATA_5', 'DATA_15'] } }, sort: [{ colId: 'walletCents', sort: 'asc' }] } },
  { name: 'state=TX by email', q: { filter: { state: { filterType: 'set', values: ['TX'] } }, sort: [{ colId: 'email', sort: 'asc' }] } },
  { name: 'data used > 10 GB, desc', q: { filter: { dataUsedMb: { filterType: 'number', type: 'greaterThan', filter: 10240 } }, sort: [{ colId: 'dataUsedMb', sort: 'desc' }] } },
  {
    name: 'past due 1..60 days and business, by days past due',
    q: {
      filter: { daysPastDue: { filterType: 'number', type: 'inRange', filter: 1, filterTo: 60 }, accountType: { filterType: 'set', values: ['business'] } },
      sort: [{ colId: 'daysPastDue', sort: 'desc' }],
    },
  },
  { name: 'activated in 2025 by updated', q: { filter: { activatedAt: { filterType: 'date', type: 'inRange', dateFrom: '2025-01-01 00:00:00', dateTo: '2025-12-31 00:00:00' } }, sort: [{ colId: 'updatedAt', sort: 'desc' }] } },
  { name: 'email startsWith "john"', q: { filter: { email: { filterType: 'text', type: 'startsWith', filter: 'john' } }, sort: [{ colId: 'msisdn', sort: 'asc' }] } },
  { name: 'quick search "512"', q: { quickSearch: '512' } },
  { name: 'plan asc, data used desc (multi-column)', q: { sort: [{ colId: 'planCode', sort: 'asc' }, { colId: 'dataUsedMb', sort: 'desc' }] } },
  { name: 'account name contains "son" (infix scan)', q: { filter: { accountName: { filterType: 'text', type: 'contains', filter: 'son' } } } },
]

/**
 * Opens the bench workspace and waits for its quick_check (store/integrity.ts: a worker right after the open for a big
 * file), so that the check does not share the cores with the pages measured. --no-integrity skips it (tuning runs);
 * --cache-mb N sets the store connection's page cache.
 */
async function openBench(path: string, flags: Record<string, string | boolean>): Promise<{ ws: Workspace; opened: { open_ms: number; integrity_check_ms: number } }> {
  const t0 = performance.now()
  const ws = new Workspace({ dbPath: path, integrity: flags['no-integrity'] ? 'off' : 'auto' })
  const open_ms = Math.round(performance.now() - t0)
  if (typeof flags['cache-mb'] === 'string') ws.db.pragma(`cache_size = -${Number(flags['cache-mb']) * 1024}`)
  await ws.integrity
  return { ws, opened: { open_ms, integrity_check_ms: Math.round(performance.now() - t0) } }
}

/** CPU time of the whole process (every thread) since `from`: steadier than wall time on a shared machine. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from)
  return Math.round((d.user + d.system) / 1000)
}

export async function run(args: { flags: Record<string, string | boolean> }): Promise<Record<string, unknown>> {
  const num = (k: string, d: number) => (typeof args.flags[k] === 'string' ? Number(args.flags[k]) : d)
  const lines = num('lines', 1_000_000)
  const months = num('months', 3)
  const bw = await ensureBenchWorkspace({ lines, months })
  const { ws, opened } = await openBench(bw.path, args.flags)
  try {
    const caller = createCaller(createApi(ws))
    const engine = linesEngine(ws)
    const rand = rng(20261115)

    // pages
    const all: number[] = []
    const first: number[] = []
    const deep: number[] = []
    const cold: number[] = []
    const warm: number[] = []
    const perView: Record<string, { rowCount: number; first_ms: number; max_ms: number; p50_ms: number }> = {}
    const cpu0 = process.cpuUsage()
    for (const v of VIEWS) {
      const times: number[] = []
      const ask = async (startRow: number) => {
        const before = engine.stats.countQueries + engine.stats.listBuilds
        const t0 = performance.now()
        const page = await caller.lines.list({ ...v.q, startRow, endRow: startRow + 100 })
        const ms = performance.now() - t0
        times.push(ms)
        all.push(ms)
        if (startRow >= 10_000) deep.push(ms)
        // cold: this request computed the view's count or built its ordered id list (once per view and data version)
        ;(engine.stats.countQueries + engine.stats.listBuilds > before ? cold : warm).push(ms)
        return page.rowCount
      }
      const rowCount = await ask(0)
      first.push(times[0])
      // scroll a little, then drag the scrollbar around, then scroll near the end
      const offsets = [100, 200, 300]
      for (const f of [0.5, 0.25, 0.75, 0.999, 0.9, 0.1]) offsets.push(Math.floor(f * rowCount))
      for (let i = 0; i < 8; i++) offsets.push(Math.floor(rand() * rowCount))
      const end = Math.max(0, rowCount - 100)
      offsets.push(end, Math.max(0, end - 100), Math.max(0, end - 200))
      for (const o of offsets) await ask(Math.min(o, Math.max(0, rowCount - 1)))
      perView[v.name] = { rowCount, first_ms: Math.round(times[0] * 10) / 10, max_ms: Math.round(Math.max(...times) * 10) / 10, p50_ms: pct(times, 50) }
    }

    const pages_cpu_ms = cpuMsSince(cpu0)
    // palette search: prefixes of real values, in the formats people type
    const maxId = (ws.db.prepare('SELECT max(id) AS m FROM lines').get() as { m: number }).m
    const sample = ws.db.prepare('SELECT msisdn, iccid, account_id AS accountId, account_name AS name, email FROM lines WHERE id >= ? ORDER BY id LIMIT 1')
    const pick = () => sample.get(1 + Math.floor(rand() * maxId)) as { msisdn: string; iccid: string; accountId: string; name: string; email: string }
    const texts: string[] = []
    for (let i = 0; i < 60; i++) {
      const r = pick()
      const d = r.msisdn.slice(2)
      const forms = [
        `(${d.slice(0, 3)}) ${d.slice(3, 6)}`,
        d.slice(0, 3 + Math.floor(rand() * 7)),
        `+1${d.slice(0, 5)}`,
        `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
        r.iccid.slice(0, 12 + Math.floor(rand() * 7)),
        r.accountId,
        r.accountId.slice(4),
        r.name.slice(0, 2 + Math.floor(rand() * 6)),
        r.email.slice(0, 3 + Math.floor(rand() * 5)),
        r.name.slice(0, 1),
      ]
      texts.push(forms[i % forms.length])
    }
    texts.push('5', 'a', 'jo', 'ACC-0', '8901')
    const searchTimes: number[] = []
    let searchHits = 0
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const t0 = performance.now()
        const hits = await caller.lines.search({ text, limit: 10 })
        searchTimes.push(performance.now() - t0)
        searchHits += hits.length
      }
    }

    // line detail, by MSISDN as typed
    const detailTimes: number[] = []
    let daily = 0
    for (let i = 0; i < 200; i++) {
      const r = pick()
      const d = r.msisdn.slice(2)
      const t0 = performance.now()
      const detail = await caller.lines.detail({ ref: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` })
      detailTimes.push(performance.now() - t0)
      daily += detail.usage.daily.length
    }

    return {
      ...{ ...opened, integrity: ws.state, pages_cpu_ms },
      lines: (ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n,
      generate_s: bw.generate_s,
      reused_workspace: bw.reused,
      db_mb: bw.db_mb,
      page_requests: all.length,
      page_p50_ms: pct(all, 50),
      page_p95_ms: pct(all, 95),
      page_max_ms: pct(all, 100),
      page_first_p50_ms: pct(first, 50),
      page_first_p95_ms: pct(first, 95),
      page_deep_p50_ms: pct(deep, 50),
      page_deep_p95_ms: pct(deep, 95),
      page_warm_requests: warm.length,
      page_warm_p50_ms: pct(warm, 50),
      page_warm_p95_ms: pct(warm, 95),
      page_cold_requests: cold.length,
      page_cold_p50_ms: pct(cold, 50),
      page_cold_p95_ms: pct(cold, 95),
      load_avg_1m: Math.round(loadavg()[0] * 10) / 10,
      search_requests: searchTimes.length,
      search_p50_ms: pct(searchTimes, 50),
      search_p95_ms: pct(searchTimes, 95),
      search_hits_avg: Math.round((searchHits / searchTimes.length) * 10) / 10,
      detail_requests: detailTimes.length,
      detail_p50_ms: pct(detailTimes, 50),
      detail_p95_ms: pct(detailTimes, 95),
      detail_daily_points_avg: daily / detailTimes.length,
      rss_mb: Math.round(process.memoryUsage().rss / 1048576),
      engine: { ...engine.stats },
      views: perView,
    }
  } finally {
    ws.close()
  }
}
