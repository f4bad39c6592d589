// The one API contract: every domain contributes its input schemas, its handler interface and its sub-router here.
// The main process implements `Api` (one handler module per domain under src/main/<domain>/); both transports (Electron
// IPC and the loopback HTTP server) dispatch into `appRouter`, so inputs are validated at the boundary either way.
import { type ConsoleApi, consoleRouter } from './console'
import { type KnowledgeApi, knowledgeRouter } from './knowledge'
import type { LinesApi } from './lines'
import { linesRouter } from './lines'
import { type ReportsApi, reportsRouter } from './reports'
import { type SyncApi, syncRouter } from './sync'
import { router } from './trpc'
import type { WorkspaceApi } from './workspace'
import { workspaceRouter } from './workspace'

export interface Api {
  workspace: WorkspaceApi
  lines: LinesApi
  sync: SyncApi
  knowledge: KnowledgeApi
  console: ConsoleApi
  reports: ReportsApi
}

export const appRouter = router({
  workspace: workspaceRouter,
  lines: linesRouter,
  sync: syncRouter,
  knowledge: knowledgeRouter,
  console: consoleRouter,
  reports: reportsRouter,
})

export type AppRouter = typeof appRouter

/** Every procedure path ("lines.list"), for transports that must refuse unknown paths before dispatch. */
export function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures)
}
