// `npm run -s bench -- <name> [--json] [...]`: benchmarks are scripts that print one JSON object, not tests.
import { parseArgs } from '../src/cli/registry'

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
