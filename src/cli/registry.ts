// The CLI's command registry. Each domain registers its commands from src/cli/<domain>.ts; index.ts imports them.
// Every command supports --json: it then prints exactly one JSON document on stdout.
import { AppError } from '../shared/api/errors'

export interface ParsedArgs {
  /** positional words after the command path */
  positionals: string[]
  /** --flag value / --flag (true) */
  flags: Record<string, string | boolean>
  /** every value of a flag given more than once or not (`--filter a --filter b`), in order; flags keeps the last */
  multi?: Record<string, string[]>
}

export interface CliCommand {
  /** e.g. ['lines', 'list'] */
  path: string[]
  summary: string
  usage: string
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

export interface CliIo {
  out(text: string): void
  err(text: string): void
  json(value: unknown): void
}

export const commands: CliCommand[] = []

export function register(cmd: CliCommand): void {
  const key = cmd.path.join(' ')
  if (commands.some((c) => c.path.join(' ') === key)) throw new Error(`CLI command registered twice: ${key}`)
  commands.push(cmd)
}

/** Flags that never take a value, so `--json foo` keeps foo positional. */
export const BOOLEAN_FLAGS = new Set(['json', 'yes', 'csv', 'help', 'force', 'quiet'])

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = []
  const flags: Record<string, string | boolean> = {}
  const multi: Record<string, string[]> = {}
  const add = (name: string, value: string) => (multi[name] ??= []).push(value)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=')
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1)
        add(a.slice(2, eq), a.slice(eq + 1))
        continue
      }
      const name = a.slice(2)
      const next = argv[i + 1]
      if (!BOOLEAN_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) {
        flags[name] = next
        add(name, next)
        i++
      } else flags[name] = true
    } else positionals.push(a)
  }
  return { positionals, flags, multi }
}

export function flagNumber(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags[name]
  if (v === undefined || v === true) return fallback
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`)
  return n
}

/**
 * A whole number within [min, max], or `fallback` when the flag is absent. Out of range is the user's error, said in
 * their words: a `--timeout-ms 9999999999` must not wrap around setTimeout's 32-bit limit into a 1 ms timeout.
 */
export function flagInt(args: ParsedArgs, name: string, fallback: number, range: { min: number; max: number; unit?: string }): number {
  const n = flagNumber(args, name, fallback)
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    const unit = range.unit ? ` ${range.unit}` : ''
    throw new AppError('BAD_INPUT', `--${name} must be a whole number from ${range.min} to ${range.max}${unit} (got ${String(args.flags[name])})`)
  }
  return n
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name]
  return typeof v === 'string' ? v : undefined
}
