// The bulk bootstrap's lane files: each worker lane's scratch replica lives beside the store (lane.ts), and outlives a
// killed run so that the next one resumes it; these name and delete them.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { rootLogger } from '../../log'

/** The scratch replica of lane `n` of the store at `dbPath`. */
export function laneStorePath(dbPath: string, n: number): string {
  return `${dbPath}.bootstrap-lane-${n}`
}

/** Deletes a scratch replica (with its journal, and any that discardLaneStore renamed but a process exiting meanwhile did not get to delete). */
export function removeLaneStore(path: string): void {
  removeByPrefix(path)
}

/** Deletes every lane's scratch replica of the store at `dbPath`. */
export function removeLaneStores(dbPath: string): void {
  removeByPrefix(`${dbPath}.bootstrap-lane-`)
}

function removeByPrefix(path: string): void {
  const dir = dirname(path)
  const prefix = basename(path)
  try {
    for (const n of readdirSync(dir)) if (n.startsWith(prefix)) rmSync(join(dir, n), { force: true })
  } catch {
    // (no such folder: nothing to delete)
  }
}

/**
 * Deletes a scratch replica that is no longer needed without waiting for it: unlinking a gigabyte file costs the
 * calling thread most of a second. Renamed first (instant), so a new one at the same path is never the one deleted.
 */
export function discardLaneStore(path: string): void {
  if (!existsSync(path)) return removeLaneStore(path)
  const old = `${path}.old-${process.pid}-${Date.now()}`
  try {
    renameSync(path, old)
  } catch {
    // cannot move it aside (open elsewhere on Windows): delete it in place
    return removeLaneStore(path)
  }
  rmSync(`${path}-journal`, { force: true })
  void rm(old, { force: true }).catch((e: unknown) => rootLogger().child({ domain: 'sync' }).warn({ err: e, path: old }, 'an old lane store was left behind'))
}
