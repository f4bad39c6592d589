// The main-thread side of the sync engine. `WorkerSyncClient` runs the engine in a worker_threads worker (the app,
// the CLI); `InlineSyncClient` runs it in process (tests that want to poke at it). Both look the same to callers.
import type { Worker } from 'node:worker_threads'
import type { PullSummary, PushSummary } from '../../shared/api/sync'
import type { LedgerVerifyReply } from '../../shared/sync/protocol'
import type { LedgerKey } from '../../central/ledger'
import { resolveEntry, startWorkerEntry } from '../runtime'
import { reviveError } from './errors'
import { SyncEngine, type EngineEvent } from './engine'
import type { BootstrapOptions } from './bootstrap/lane'
import type { RemoteConfig, Session } from './remotes/remote'
import type { HostRequest, WorkerInit, WorkerMessage } from './sync.worker'

export interface SyncClient {
  pull(opts?: { limit?: number }): Promise<PullSummary>
  push(opts?: { batchSize?: number; ignoreBackoff?: boolean }): Promise<PushSummary>
  signIn(email: string, password: string): Promise<Session>
  /** `keys`: the ledger signing keys this workstation trusts (WINGTEL_LEDGER_KEYS) */
  ledgerVerify(opts?: { keys?: LedgerKey[] }): Promise<LedgerVerifyReply>
  close(): Promise<void>
}

export interface SyncClientOptions {
  dbPath: string
  remote: RemoteConfig
  onEvent: (e: EngineEvent) => void
  /** subscribe to pokes and pull on each */
  live?: boolean
  /** how a bulk bootstrap runs (lanes, trace, the tests' fault hook) */
  bootstrap?: BootstrapOptions
}

export class WorkerSyncClient implements SyncClient {
  private worker: Worker
  private nextId = 1
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private ready: Promise<void>
  private dead: Error | null = null

  constructor(opts: SyncClientOptions) {
    const init: WorkerInit = { dbPath: opts.dbPath, remote: opts.remote, live: opts.live ?? false, bootstrap: opts.bootstrap }
    this.worker = startWorkerEntry(resolveEntry('sync-worker'), init)
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: WorkerMessage) => {
        switch (m.type) {
          case 'ready':
            resolve()
            break
          case 'fatal':
            this.dead = reviveError(m.error)
            reject(this.dead)
            break
          case 'event':
            opts.onEvent(m.event)
            break
          case 'result': {
            const w = this.waiting.get(m.id)
            if (!w) break
            this.waiting.delete(m.id)
            if (m.ok) w.resolve(m.value)
            else w.reject(reviveError(m.error))
            break
          }
        }
      })
      const fail = (e: Error) => {
        this.dead = e
        reject(e)
        for (const w of this.waiting.values()) w.reject(e)
        this.waiting.clear()
      }
      this.worker.on('error', fail)
      this.worker.on('exit', (code) => {
        if (code !== 0 || this.waiting.size) fail(new Error(`the sync worker stopped (exit code ${code})`))
      })
    })
    this.ready.catch(() => {}) // its failure reaches every call that awaits ready
  }

  private async call<T>(method: HostRequest['method'], args: unknown[]): Promise<T> {
    await this.ready
    if (this.dead) throw this.dead
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, method, args } as HostRequest)
    })
  }

  pull(opts: { limit?: number } = {}) {
    return this.call<PullSummary>('pull', [opts])
  }
  push(opts: { batchSize?: number; ignoreBackoff?: boolean } = {}) {
    return this.call<PushSummary>('push', [opts])
  }
  signIn(email: string, password: string) {
    return this.call<Session>('signIn', [email, password])
  }
  ledgerVerify(opts: { keys?: LedgerKey[] } = {}) {
    return this.call<LedgerVerifyReply>('ledgerVerify', [opts])
  }
  async close(): Promise<void> {
    try {
      if (!this.dead) await this.call('close', [])
    } catch {
      /* closing anyway */
    }
    await this.worker.terminate()
  }
}

export class InlineSyncClient implements SyncClient {
  private engine: Promise<SyncEngine>
  constructor(opts: SyncClientOptions) {
    this.engine = SyncEngine.open({ dbPath: opts.dbPath, remote: opts.remote, bootstrap: opts.bootstrap, onEvent: opts.onEvent }).then((e) => {
      if (opts.live) e.startLive()
      return e
    })
    this.engine.catch(() => {}) // its failure reaches every call that awaits the engine
  }
  async pull(opts: { limit?: number } = {}) {
    return (await this.engine).pull(opts)
  }
  async push(opts: { batchSize?: number; ignoreBackoff?: boolean } = {}) {
    return (await this.engine).push(opts)
  }
  async signIn(email: string, password: string) {
    return (await this.engine).signIn(email, password)
  }
  async ledgerVerify(opts: { keys?: LedgerKey[] } = {}) {
    return (await this.engine).ledgerVerify(opts)
  }
  async close() {
    try {
      await (await this.engine).close()
    } catch {
      /* never opened */
    }
  }
}
