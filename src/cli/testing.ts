// Runs CLI command lines in process, as `npm run -s cli -- …` would, capturing what they print (tests only).
import type { CliIo } from './registry'
import { runCli } from './run'

export interface CliRun {
  code: number
  out: string
  err: string
  /** what the command printed with --json (the last object) */
  json: unknown
}

export async function cli(argv: string[]): Promise<CliRun> {
  let out = ''
  let err = ''
  let json: unknown
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), json: (v) => (json = v) }
  const code = await runCli(argv, io)
  return { code, out, err, json }
}
