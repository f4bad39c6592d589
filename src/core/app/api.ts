// Composes the one Api from the handler modules of each domain (Actual Budget style: src/main/<domain>/handlers.ts).
import type { Api } from '../../shared/api'
import { appRouter } from '../../shared/api'
import { createCallerFactory, type Ctx } from '../../shared/api/trpc'
import { authHandlers, type IdleLockOptions } from '../auth'
import { consoleHandlers } from '../console'
import { knowledgeHandlers } from '../knowledge'
import { linesHandlers } from '../lines'
import { reportsHandlers } from '../reports'
import { syncHandlers } from '../sync'
import { workspaceHandlers } from '../store'
import type { Workspace } from '../store'
import type { LlmSettings } from '../console'

export const APP_VERSION = process.env.npm_package_version ?? '0.1.0'

/** `llm`: the console's LLM tier (the core's config); none: the tier is off. `idleLock`: the idle lock (default off). */
export function createApi(ws: Workspace, opts: { llm?: LlmSettings; idleLock?: IdleLockOptions } = {}): Api {
  return {
    workspace: workspaceHandlers(ws, APP_VERSION),
    lines: linesHandlers(ws),
    sync: syncHandlers(ws),
    knowledge: knowledgeHandlers(ws),
    console: consoleHandlers(ws, { llm: opts.llm }),
    reports: reportsHandlers(ws),
    auth: authHandlers(ws, { idleLock: opts.idleLock }),
  }
}

const callerFactory = createCallerFactory(appRouter)

/** An in-process caller: the same validation and error mapping as the transports, for the CLI, benches and tests. */
export function createCaller(api: Api, transport: Ctx['transport'] = 'direct') {
  return callerFactory({ api, transport })
}
