// `npm run -s bench -- <name> [--json] [...]`: benchmarks are scripts that print one JSON object, not tests.
import { parseArgs } from '../src/cli/registry'
import { setStoreKey } from '../src/core/store'

/** The bench workspaces are encrypted as the app's are, with this fixed key (BENCH_PLAIN=1: in the clear, as before
 * issue 11; an older plain bench workspace is encrypted in place on its first writable open). */
export const BENCH_KEY = Buffer.alloc(32, 7)

type Bench = (args: ReturnType<typeof parseArgs>) => Promise<Record<string, unknown>>

const benches: Record<string, () => Promise<{ run: Bench }>> = {}
benches.workspace = () => import('./workspace')
benches.sync = () => import('./sync')
benches.console = () => import('./console')
benches.grid = () => import('./grid')
benches.reports = () => import('./reports')

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2))
  const name = args.positionals[0]
  const load = name ? benches[name] : undefined
  if (!load) {
    process.stderr.write(`usage: npm run -s bench -- <${Object.keys(benches).join('|')}> [--json]\n`)
    return 2
  }
  setStoreKey(process.env.BENCH_PLAIN ? null : BENCH_KEY)
  const { run } = await load()
  const result = await run({ ...args, positionals: args.positionals.slice(1) })
  if (args.flags.json) process.stdout.write(`${JSON.stringify(result)}\n`)
  else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(32)} ${v}\n`)
  return 0
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
