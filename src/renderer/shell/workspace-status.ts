// What the shell knows about the workspace: `workspace.status` (refreshed on app events) and the sync status
// (`sync.status` once, then the `sync-status` events). The first-start gate, the header and the status bar read it through useShellStatus().
import { useSyncExternalStore } from 'react'
import type { WorkspaceStatus } from '../../shared/api/workspace'
import type { SyncStatus } from '../../shared/api/sync'
import { api, errorCode, errorMessage, onEvent } from '../api/client'

export type SyncStatusView = SyncStatus

export interface ShellStatus {
  workspace: WorkspaceStatus | null
  sync: SyncStatusView | null
  /** the status call itself failed (DB_CORRUPT, DB_INCOMPATIBLE, unreachable core) */
  failure: { code: string | null; message: string } | null
}

let state: ShellStatus = { workspace: null, sync: null, failure: null }
const listeners = new Set<() => void>()
let started = false
let refreshTimer: ReturnType<typeof setTimeout> | null = null

function set(patch: Partial<ShellStatus>): void {
  state = { ...state, ...patch }
  listeners.forEach((fn) => fn())
}

async function loadSync(): Promise<void> {
  try {
    set({ sync: await api.sync.status.query() })
  } catch {
    // no sync service in this workspace: the status bar says so
  }
}

async function refresh(): Promise<void> {
  try {
    set({ workspace: await api.workspace.status.query(), failure: null })
  } catch (e) {
    set({ failure: { code: errorCode(e), message: errorMessage(e) } })
  }
}

function scheduleRefresh(): void {
  if (refreshTimer) return
  refreshTimer = setTimeout(() => {
    refreshTimer = null
    void refresh()
  }, 250)
}

function start(): void {
  if (started) return
  started = true
  onEvent((e) => {
    const ws = state.workspace
    switch (e.type) {
      case 'workspace-progress':
        // e2e: proves progress events reached the page
        document.body.dataset.progressEvents = String(Number(document.body.dataset.progressEvents ?? 0) + 1)
        if (ws) set({ workspace: { ...ws, state: 'building', progress: { phase: e.phase, done: e.done, total: e.total } } })
        break
      case 'workspace-ready':
        void refresh()
        break
      case 'workspace-error':
        set({ workspace: ws ? { ...ws, state: 'error', error: e.message } : ws, failure: ws ? null : { code: null, message: e.message } })
        break
      case 'data-changed':
        scheduleRefresh()
        break
      case 'sync-status':
        set({ sync: e.status })
        break
      default:
        break
    }
  })
  void refresh()
  void loadSync()
}

export function retryStatus(): void {
  void refresh()
}

export function useShellStatus(): ShellStatus {
  start()
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    () => state,
  )
}
