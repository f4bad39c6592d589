// The sync worker thread: runs a SyncEngine with its own SQLite connection and its own remote, so bootstrap pages,
// JSON parsing and SQLite writes never block the main thread (the UI). Speaks a tiny request/response protocol with
// host.ts; engine events are forwarded as they happen.
import { parentPort, workerData } from 'node:worker_threads'
import { setRootLogger, workerLogger } from '../log'
import { RemoteError, serializeError, type SerializedError } from './errors'
import { SyncEngine, type EngineEvent } from './engine'
import type { BootstrapOptions } from './bootstrap/lane'
import type { RemoteConfig } from './remotes/remote'
import type { LedgerKey } from '../../central/ledger'

export interface WorkerInit {
  dbPath: string
  remote: RemoteConfig
  live: boolean
  bootstrap?: BootstrapOptions
}

export type HostRequest =
  | { id: number; method: 'pull'; args: [{ limit?: number }] }
  | { id: number; method: 'push'; args: [{ batchSize?: number; ignoreBackoff?: boolean }] }
  | { id: number; method: 'signIn'; args: [string, string] }
  | { id: number; method: 'ledgerVerify'; args: [{ keys?: LedgerKey[] }] }
  | { id: number; method: 'close'; args: [] }

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'event'; event: EngineEvent }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError }

const port = parentPort
if (port) {
  setRootLogger(workerLogger('sync-worker'))
  const init = workerData as WorkerInit
  const post = (m: WorkerMessage) => port.postMessage(m)
  SyncEngine.open({ dbPath: init.dbPath, remote: init.remote, bootstrap: init.bootstrap, onEvent: (event) => post({ type: 'event', event }) }).then(
    (engine) => {
      if (init.live) engine.startLive()
      port.on('message', (req: HostRequest) => {
        const call = async (): Promise<unknown> => {
          switch (req.method) {
            case 'pull':
              return engine.pull(req.args[0])
            case 'push':
              return engine.push(req.args[0])
            case 'signIn':
              return engine.signIn(req.args[0], req.args[1])
            case 'ledgerVerify':
              return engine.ledgerVerify(req.args[0])
            case 'close':
              await engine.close()
              return null
          }
        }
        call().then(
          (value) => {
            post({ type: 'result', id: req.id, ok: true, value })
            if (req.method === 'close') port.close()
          },
          (e) => post({ type: 'result', id: req.id, ok: false, error: serializeError(e) }),
        )
      })
      post({ type: 'ready' })
    },
    (e) => post({ type: 'fatal', error: serializeError(e instanceof RemoteError ? e : e) }),
  )
}
