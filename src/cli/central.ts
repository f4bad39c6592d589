// The central backend from the command line:
//   central migrate --url postgres://…                       apply db/central/migrations
//   central demo --lines N --months M --seed S --url …       fill it with the demo MVNO (same seed → same data as local)
//   central verify --url …                                   verify the ledger (SQL and independent TS; central-ledger.ts)
//   central ledger keygen | sign                             the ledger's signing key, signing its head (central-ledger.ts)
//   central user add --login L --email E --role R --url …    a person's own Postgres login (issue 11, attack 7b)
// Each supports --json. --url defaults to $CENTRAL_DATABASE_URL. The connecting user must own the schema (migrations)
// or be allowed to write the tables (demo); a superuser or Supabase's postgres works.
import pg from 'pg'
import { fromPgClient, type SqlClient } from '../central/client'
import { fillCentralDemo } from '../central/demo-fill'
import { applyCentralMigrations } from '../central/migrate'
import { addPersonalLogin, checkPersonalLogin, type PersonalLogin, type PersonRole } from '../central/users'
import { flagNumber, flagString, register, type CliIo, type ParsedArgs } from './registry'

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
/**
 * The new person's password, never from argv (it would show in `ps` and the shell history): $CENTRAL_USER_PASSWORD,
 * else typed at a hidden prompt on a terminal, else the first line of stdin (`… < file`, a password manager's pipe).
 */
async function readPassword(io: CliIo): Promise<string> {
  const fromEnv = process.env.CENTRAL_USER_PASSWORD
  if (fromEnv) return fromEnv
  const stdin = process.stdin
  if (!stdin.isTTY) {
    let text = ''
    for await (const chunk of stdin) {
      text += String(chunk)
      if (text.includes('\n')) break
    }
    return text.split(/\r?\n/)[0]
  }
  io.err('Password for the new login (not shown): ')
  stdin.setRawMode(true)
  try {
    let pw = ''
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return pw
        if (ch === '\u0003') throw new Error('cancelled')
        pw = ch === '\u007f' ? pw.slice(0, -1) : pw + ch
      }
    }
    return pw
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

register({
  path: ['central', 'user', 'add'],
  summary: 'Give a person their own Postgres login (direct Postgres): the ledger then names them, whatever the client claims',
  usage: 'central user add --login alice --email alice@example.com --role operator|admin|analyst|agent|finance --url postgres://… [--json]  (password: $CENTRAL_USER_PASSWORD, a prompt, or stdin)',
  async run(args, io) {
    const input = { login: flagString(args, 'login'), email: flagString(args, 'email'), role: flagString(args, 'role') as PersonRole | undefined }
    const problems = checkPersonalLogin({ ...input, password: 'x'.repeat(8) })
    if (problems.length) {
      io.err(problems.join('\n'))
      return 2
    }
    const password = await readPassword(io)
    const weak = checkPersonalLogin({ ...input, password })
    if (weak.length) {
      io.err(weak.join('\n'))
      return 2
    }
    const p = { ...input, password } as PersonalLogin
    const r = await withCentral(args, (c) => addPersonalLogin(c, p))
    if (args.flags.json) io.json({ ok: true, login: p.login, email: p.email, role: p.role, user_id: r.userId, created: r.created })
    else io.out(`${r.created ? 'created' : 'updated'} login ${p.login} for ${p.email} (${p.role}), user id ${r.userId}`)
    return 0
  },
})
