// `npm run -s cli -- <command> [--json]`: the headless face of the same core the app uses.
import { isAppError } from '../shared/api/errors'
import { commands, parseArgs, type CliIo } from './registry'
import './workspace-commands'
import './console'
import './console-parse'
import './demo'
import './knowledge'
import './sync'
import './central'
import './reports'
import './lines'

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  json: (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
}

function help(): string {
  const rows = commands
    .slice()
    .sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))
    .map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)
  return ['Wingtel Ops CLI', '', 'Usage: npm run -s cli -- <command> [options] [--json]', '', ...rows].join('\n')
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  // longest command path that matches the leading positionals
  const match = commands
    .filter((c) => c.path.every((w, i) => args.positionals[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0]
  if (!match) {
    if (args.positionals.length > 0) io.err(`Unknown command: ${args.positionals.join(' ')}\n`)
    io.out(help())
    return args.positionals.length > 0 ? 2 : 0
  }
  if (args.flags.help) {
    io.out(`${match.usage}\n\n${match.summary}`)
    return 0
  }
  const rest = { ...args, positionals: args.positionals.slice(match.path.length) }
  try {
    return await match.run(rest, io)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const code = isAppError(e) ? e.code : 'ERROR'
    if (args.flags.json) io.json({ ok: false, error: message, code })
    else io.err(`error: ${message}`)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
