// Errors that cross the API boundary. Handlers throw AppError; the router turns it into a typed tRPC error whose
// `data.appCode` the renderer and the CLI can switch on.

export const APP_ERROR_CODES = [
  'NOT_FOUND',
  'BAD_INPUT',
  'CONFLICT',
  'FORBIDDEN',
  'UNAVAILABLE',
  'STALE_PREVIEW',
  'DB_INCOMPATIBLE',
  'DB_CORRUPT',
  'INTERNAL',
] as const
export type AppErrorCode = (typeof APP_ERROR_CODES)[number]

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}
