// Test support: a sync engine on a workspace's own connection, acting under a role against a test central database,
// for tests outside the sync room that need what the app does to a committed batch: push it, then pull its effects.
import type { SyncRole } from '../../../shared/api/sync'
import type { Db } from '../../store'
import { SyncEngine } from '../engine'
import { claimsFor } from '../remotes/remote'
import type { TestCentral } from './test-central'
import { pullPast, writeXid } from './test-checksums'

export type { SyncEngine }

export async function engineOn(c: TestCentral, db: Db, role: SyncRole = 'operator'): Promise<SyncEngine> {
  const claims = claimsFor(role)
  return SyncEngine.open({ dbPath: 'x', db, remote: { kind: 'postgres', url: `postgres://test/${role}`, claims }, remoteImpl: c.remote(claims) })
}

/** Pushes the pending ops, then pulls until every transaction committed so far (the push's included) is in the replica. */
export async function pushAndPull(engine: SyncEngine, c: TestCentral): Promise<{ applied: number; rejected: number; conflict: number }> {
  const pushed = await engine.push()
  await pullPast(() => engine.pull(), await writeXid(c, ''))
  return { applied: pushed.applied, rejected: pushed.rejected, conflict: pushed.conflict }
}
