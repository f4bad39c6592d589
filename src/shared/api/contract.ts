// The one API type: the handler interfaces of every domain, which the core implements (one handler module per domain
// under src/core/<domain>/). Only types, and no import of the tRPC instance, so that trpc.ts can type its context with
// it while index.ts builds the router from both.
import type { AuthApi } from './auth'
import type { ConsoleApi } from './console'
import type { KnowledgeApi } from './knowledge'
import type { LinesApi } from './lines'
import type { ReportsApi } from './reports'
import type { SyncApi } from './sync'
import type { WorkspaceApi } from './workspace'

export interface Api {
  workspace: WorkspaceApi
  lines: LinesApi
  sync: SyncApi
  knowledge: KnowledgeApi
  console: ConsoleApi
  reports: ReportsApi
  auth: AuthApi
}
