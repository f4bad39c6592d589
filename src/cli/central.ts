// The central backend from the command line:
//   central migrate --url postgres://…                       apply db/central/migrations
//   central demo --lines N --months M --seed S --url …       fill it with the demo MVNO (same seed → same data as local)
//   central verify --url …                                   verify the ledger (SQL and independent TS; central-ledger.ts)
//   central ledger keygen | sign                             the ledger's signing key, signing its head (central-ledger.ts)
// Each supports --json. --url defaults to $CENTRAL_DATABASE_URL. The connecting user must own the schema (migrations)
// or be allowed to write the tables (demo); a superuser or Supabase's postgres works.
import pg from 'pg'
import { fromPgClient, type SqlClient } from '../central/client'
import { fillCentralDemo } from '../central/demo-fill'
import { applyCentralMigrations } from '../central/migrate'
import { flagNumber, flagString, register, type ParsedArgs } from './registry'

export async function withCentral<T>(args: ParsedArgs, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  const url = flagString(args, 'url') ?? process.env.CENTRAL_DATABASE_URL
  if (!url) throw new Error('give --url postgres://user@host:5432/db (or set CENTRAL_DATABASE_URL)')
  const conn = new pg.Client({ connectionString: url })
  await conn.connect()
  try {
    return await fn(fromPgClient(conn))
  } finally {
    await conn.end()
  }
}

register({
  path: ['central', 'migrate'],
  summary: 'Apply the central SQL migrations (db/central/migrations) to a PostgreSQL database',
  usage: 'central migrate --url postgres://… [--json]',
  async run(args, io) {
    const r = await withCentral(args, (c) => applyCentralMigrations(c))
    if (args.flags.json) io.json({ ok: true, applied: r.applied, already: r.already })
    else io.out(r.applied.length ? `applied ${r.applied.join(', ')}` : `up to date (${r.already} migrations)`)
    return 0
  },
})

register({
  path: ['central', 'demo'],
  summary: 'Fill a central database with the deterministic demo MVNO (migrates first; --replace empties it)',
  usage: 'central demo --lines N [--months 24] [--seed 1] [--as-of YYYY-MM-DD] --url postgres://… [--replace] [--json]',
  async run(args, io) {
    const lines = flagNumber(args, 'lines', 25_000)
    const months = flagNumber(args, 'months', 24)
    const seed = flagNumber(args, 'seed', 1)
    const asOf = flagString(args, 'as-of')
    const quiet = args.flags.quiet === true || args.flags.json === true
    const r = await withCentral(args, async (c) => {
      await applyCentralMigrations(c)
      let lastPct = -10
      return fillCentralDemo(c, { lines, months, seed, asOf, replace: args.flags.replace === true }, (p) => {
        if (quiet) return
        const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0
        if (pct >= lastPct + 10 || p.phase !== 'generate') {
          io.err(`${p.phase.padEnd(8)} ${String(pct).padStart(3)}%  (${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')})`)
          lastPct = pct
        }
      })
    })
    const total = Object.entries(r.rows).filter(([t]) => t !== 'meta').reduce((s, [, n]) => s + n, 0)
    if (args.flags.json) {
      io.json({ ok: true, lines: r.lines, accounts: r.accounts, months: r.months, seed: r.seed, as_of: r.asOf, rows: r.rows,
        total_rows: total, fill_s: r.generate_s, insert_s: r.insert_s, finish_s: r.finish_s, rows_per_s: Math.round(total / r.generate_s), log_bypass: r.log_bypass })
    } else {
      io.out(`Central demo: ${r.lines.toLocaleString('en-US')} lines, ${r.accounts.toLocaleString('en-US')} accounts, ${r.months} months as of ${r.asOf}, seed ${r.seed}`)
      io.out(`filled in ${r.generate_s} s (${Math.round(total / r.generate_s).toLocaleString('en-US')} rows/s)`)
      for (const [t, n] of Object.entries(r.rows)) io.out(`  ${t.padEnd(18)} ${n.toLocaleString('en-US').padStart(12)}`)
    }
    return 0
  },
})
