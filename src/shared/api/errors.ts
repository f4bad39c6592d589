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
  'DB_READONLY',
  'DB_FULL',
  'DB_IO',
  'DB_LOCKED_KEY',
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

/**
 * The workspace's SQLite errors in the user's words (issue 11, attack 10): a read-only file, a full disk, an I/O error,
 * a damaged or foreign file. Anything else (including a non-SQLite error) gives null. Extended codes
 * (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…) map as their primary code.
 */
export function storeAppError(e: unknown, where = 'the workspace'): AppError | null {
  if (isAppError(e) || typeof e !== 'object' || e === null) return null
  const code = String((e as { code?: unknown }).code ?? '')
  const raw = (e as { message?: unknown }).message
  const detail = typeof raw === 'string' && raw ? ` (SQLite: ${raw})` : ''
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0]
  switch (primary) {
    case 'SQLITE_READONLY':
      return new AppError('DB_READONLY', `The workspace is read-only: ${where} cannot be written${detail}. Check the file's permissions or free it from the program that holds it; nothing was changed.`)
    case 'SQLITE_FULL':
      return new AppError('DB_FULL', `The disk is full: ${where} could not grow${detail}. Free some space and try again; nothing was changed.`)
    case 'SQLITE_IOERR':
      return new AppError('DB_IO', `The disk reported an error while reading or writing ${where}${detail}. Check the disk; the last change may not have been saved.`)
    case 'SQLITE_CANTOPEN':
      return new AppError('DB_IO', `Cannot open ${where}${detail}: the file or its folder is missing or not accessible.`)
    case 'SQLITE_CORRUPT':
      return new AppError('DB_CORRUPT', `The workspace file is damaged: ${where}${detail}. It was left untouched; restore a backup or move it aside to start a new one.`)
    case 'SQLITE_NOTADB':
      return new AppError('DB_CORRUPT', `The workspace file is damaged or encrypted with another key: ${where} cannot be read${detail}. It was left untouched.`)
    default:
      return null
  }
}
