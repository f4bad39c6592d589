// How an error that crosses the API (IPC or HTTP) is logged. A user's mistake or a refusal (an AppError with a
// user-facing code, a malformed call, bad input) is an expected answer: one line, no stack. Anything else is ours to
// fix, so it is logged at error with the stack of what was thrown.
import type { TRPCError } from '@trpc/server'
import { isAppError, type AppErrorCode } from '../../shared/api/errors'
import type { Logger } from '../log'

const ANSWERS: ReadonlySet<AppErrorCode> = new Set(['NOT_FOUND', 'BAD_INPUT', 'CONFLICT', 'FORBIDDEN', 'STALE_PREVIEW'])

export function logApiError(log: Logger, error: TRPCError, where: { path?: string; transport: string }): void {
  const cause = error.cause ?? error
  const at = { path: where.path ?? '?', transport: where.transport }
  if (isAppError(cause) && cause.code !== 'INTERNAL') {
    const level = ANSWERS.has(cause.code) ? 'info' : 'warn'
    log[level]({ ...at, code: cause.code }, cause.message)
    return
  }
  if (!isAppError(cause) && error.code !== 'INTERNAL_SERVER_ERROR') {
    log.info({ ...at, code: error.code }, error.message)
    return
  }
  log.error({ ...at, err: cause }, `api ${at.path} failed: ${cause.message}`)
}
