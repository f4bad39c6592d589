// The CLI's dispatch, apart from the process: the longest registered command path matching the leading words runs with
// the rest of the arguments, and an error becomes `{ ok: false, error, code }` under --json (else `error: …` on
// stderr). index.ts runs it on process.argv; the tests run it in process on their own workspaces.
import { isAppError } from '../shared/api/errors'
import { redactText } from '../shared/domain/redact'
import { commands, parseArgs, type CliIo } from './registry'
import './workspace-commands'
import './console'
import './console-parse'
import './demo'
import './knowledge'
import './sync'
import './central'
import './central-ledger'
import './reports'
import './lines'

export function help(): string {
  const rows = commands
    .slice()
    .sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))
    .map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)
  return ['Wingtel Ops CLI', '', 'Usage: npm run -s cli -- <command> [options] [--json]', '', ...rows].join('\n')
}

/** Runs one command line; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
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
    // a connection error may quote the --url it was given: never print its password (issue 11, attack 10)
    const message = redactText(e instanceof Error ? e.message : String(e))
    const code = isAppError(e) ? e.code : 'ERROR'
    if (args.flags.json) io.json({ ok: false, error: message, code })
    else io.err(`error: ${message}`)
    return 1
  }
}
