// Events the core pushes to the UI (IPC channel in the desktop app, Server-Sent Events in web mode). End-to-end tests
// wait for these instead of sleeping.
import type { SyncStatus } from './api/sync'

export type AppEvent =
  | { type: 'workspace-progress'; phase: string; done: number; total: number }
  | { type: 'workspace-ready'; lines: number }
  | { type: 'workspace-error'; message: string }
  | { type: 'data-changed'; tables: string[] }
  | { type: 'sync-status'; status: SyncStatus }
  | { type: 'update-available'; version: string }
  | { type: 'update-downloaded'; version: string }

export type AppEventType = AppEvent['type']
