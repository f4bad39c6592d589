// `npm run -s cli -- demo --lines N --months M --seed S --db PATH [--as-of YYYY-MM-DD] [--force] [--json]`
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { buildDemoWorkspace } from '../core/demo'
import { cliConfig } from './config'
import { flagNumber, flagString, register } from './registry'

register({
  path: ['demo'],
  summary: 'Generate a deterministic demo workspace (refuses to overwrite one with data unless --force)',
  usage: 'demo --lines N [--months 24] [--seed 1] [--db PATH] [--as-of YYYY-MM-DD] [--workers N] [--force]',
  async run(args, io) {
    const lines = flagNumber(args, 'lines', 25_000)
    const months = flagNumber(args, 'months', 24)
    const seed = flagNumber(args, 'seed', 1)
    const asOf = flagString(args, 'as-of')
    const homefi = args.flags['homefi-share'] !== undefined ? flagNumber(args, 'homefi-share', 0.12) : undefined
    const path = resolve(flagString(args, 'db') ?? cliConfig().dbPath)
    const quiet = args.flags.quiet === true
    // worker threads: by default all cores for big workspaces (the data is the same either way)
    const workers = flagNumber(args, 'workers', lines >= 50_000 ? Math.min(4, availableParallelism()) : 1)
    let lastPct = -1
    let lastPhase = ''
    const r = await buildDemoWorkspace(path, { lines, months, seed, asOf, homefiShare: homefi, workers, force: args.flags.force === true }, (p) => {
      if (quiet) return
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0
      if (p.phase !== lastPhase || pct >= lastPct + 10) {
        io.err(`${p.phase.padEnd(8)} ${String(pct).padStart(3)}%  (${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')})`)
        lastPct = pct
        lastPhase = p.phase
      }
    })
    if (args.flags.json) io.json({ ok: true, path: r.path, lines: r.lines, accounts: r.accounts, months: r.months, seed: r.seed, as_of: r.asOf, rows: r.rows, generate_s: r.generate_s, db_mb: r.db_mb, phases: r.phases, workers })
    else {
      io.out(`Demo workspace ${r.path}: ${r.lines.toLocaleString('en-US')} lines, ${r.accounts.toLocaleString('en-US')} accounts, ${r.months} months as of ${r.asOf}, seed ${r.seed}`)
      io.out(`generated in ${r.generate_s} s, ${r.db_mb} MB`)
      for (const [t, n] of Object.entries(r.rows)) io.out(`  ${t.padEnd(18)} ${n.toLocaleString('en-US').padStart(12)}`)
    }
    return 0
  },
})
