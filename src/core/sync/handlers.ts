import type { SyncApi } from '../../shared/api/sync'
import type { Workspace } from '../store'
import { toAppError } from './errors'
import { pendingOverlay } from './push/overlay'
import { discardOp, listProblems, retryOp } from './push/problems'
import { syncService } from './service'

export function syncHandlers(ws: Workspace): SyncApi {
  const svc = () => syncService(ws)
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (e) {
      throw toAppError(e)
    }
  }
  return {
    async status() {
      return svc().statusSync()
    },
    pullNow: (input) => guard(() => svc().getClient().pull({ limit: input.limit })),
    pushNow: () => guard(() => svc().getClient().push({ ignoreBackoff: true })),
    async listProblems() {
      return listProblems(ws.db)
    },
    async retryOp({ seq }) {
      const r = await ws.queue.run(() => retryOp(ws.db, seq))
      ws.changed(['operations'])
      return r
    },
    async discardOp({ seq }) {
      const r = await ws.queue.run(() => discardOp(ws.db, seq))
      ws.changed(['operations'])
      return r
    },
    getSettings: () => svc().getSettings(),
    setSettings: (input) => svc().setSettings(input),
    signIn: (input) => svc().signIn(input.email, input.password),
    signOut: () => svc().signOut(),
    async overlay({ lineIds }) {
      return [...pendingOverlay(ws, lineIds).values()]
    },
    ledgerVerify: () => guard(() => svc().ledgerVerify()),
  }
}
