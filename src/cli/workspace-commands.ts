// Commands every other command leans on: opening the workspace a command works on.
import { resolve } from 'node:path'
import { Workspace } from '../core/store'
import { cliConfig } from './config'
import { flagString, type ParsedArgs } from './registry'

/** Opens the workspace named by --db (or the default one). */
export function openWorkspaceFromArgs(args: ParsedArgs, opts: { readonly?: boolean } = {}): Workspace {
  const dbPath = resolve(flagString(args, 'db') ?? cliConfig().dbPath)
  return new Workspace({ dbPath, readonly: opts.readonly })
}
