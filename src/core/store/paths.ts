import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where a headless run (CLI, web mode) keeps its workspace unless --db or WINGTEL_DB says otherwise. */
export function defaultDbPath(): string {
  if (process.env.WINGTEL_DB) return process.env.WINGTEL_DB
  const home = process.env.WINGTEL_HOME ?? join(homedir(), '.wingtel-ops')
  return join(home, 'workspace.sqlite')
}
