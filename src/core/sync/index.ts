// Sync with the central backend: remotes (sandbox, Supabase, direct Postgres), the pull (log apply), the bulk bootstrap,
// the push (the durable outbox), run by the engine in a worker thread behind the SyncService.
export type { EngineEvent } from './engine'
export { toAppError } from './errors'
export { syncHandlers } from './handlers'
export { claimsFor } from './remotes/remote'
export { EncryptedFileSecretStore, fileSecretStoreFor } from './secrets'
export { SETTINGS, SyncService, syncService } from './service'
export type { SandboxOptions, SyncServiceOptions } from './service'
export { parseLaneLayout } from './bootstrap/lane'
export type { BootstrapOptions } from './bootstrap/lane'
export type { SecretStore } from './secrets'
export { parseLedgerKeys, type LedgerKey } from '../../central/ledger'
