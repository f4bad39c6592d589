import { initTRPC, TRPCError } from '@trpc/server'
import { z } from 'zod'
import { AppError, storeAppError, type AppErrorCode } from './errors'
import type { Api } from './contract'

/** What every procedure sees: the implementation of the contract, supplied by the main process (or a test). */
export interface Ctx {
  api: Api
  /** which transport the call came over, for logs */
  transport: 'ipc' | 'http' | 'direct'
}

const TRPC_CODE: Record<AppErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  BAD_INPUT: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE' as TRPCError['code'],
  STALE_PREVIEW: 'CONFLICT',
  DB_INCOMPATIBLE: 'PRECONDITION_FAILED',
  DB_CORRUPT: 'INTERNAL_SERVER_ERROR',
  DB_READONLY: 'FORBIDDEN',
  DB_FULL: 'INTERNAL_SERVER_ERROR',
  DB_IO: 'INTERNAL_SERVER_ERROR',
  DB_LOCKED_KEY: 'PRECONDITION_FAILED',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
}

const t = initTRPC.context<Ctx>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause
    const appCode: AppErrorCode =
      cause instanceof AppError ? cause.code : error.code === 'BAD_REQUEST' ? 'BAD_INPUT' : error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'INTERNAL'
    const issues = cause instanceof z.ZodError ? cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined
    const message = issues ? `Invalid input: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}` : shape.message
    return { ...shape, message, data: { ...shape.data, appCode, issues, details: cause instanceof AppError ? cause.details : undefined, stack: undefined } }
  },
})

/** Turns AppErrors thrown by handlers into typed tRPC errors that keep their code. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok) {
    // the workspace's own SQLite failures (read-only, disk full, I/O, damaged) in the user's words, not SQLite's
    const cause = storeAppError(result.error.cause) ?? result.error.cause
    if (cause instanceof AppError) {
      const err = new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause })
      return { ...result, error: err }
    }
  }
  return result
})

/**
 * The idle lock, server side (issue 11): while the workstation is locked every procedure but `auth.*` and the few open
 * ones is refused, whichever transport it came over. The Api decides (AuthApi.guard); a test Api without `auth` has
 * no lock.
 */
const lockGate = t.middleware(({ ctx, path, next }) => {
  if (!path.startsWith('auth.')) ctx.api.auth?.guard(path)
  return next()
})

export const router = t.router
export const procedure = t.procedure.use(appErrors).use(lockGate)
export const createCallerFactory = t.createCallerFactory
