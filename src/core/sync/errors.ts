// How a remote call failed decides what the engine does with the work it carried:
// - network / server (5xx, connection lost): retry later with backoff; ops stay pending, the cursor stays put.
// - client (4xx, Postgres classes 22 and 23, a per-op 42501): the op is rejected with the server's message.
// - forbidden (the whole push refused for the caller's role): clear error, ops stay pending.
// - auth (session expired and refresh failed): "sign in again", ops stay pending.
// - protocol (malformed reply, unknown schema/protocol): clear error, nothing applied.
import { AppError } from '../../shared/api/errors'
import { ProtocolError } from '../../shared/sync/protocol'

export type RemoteErrorKind = 'network' | 'server' | 'client' | 'forbidden' | 'auth' | 'protocol'

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly sqlstate?: string,
    readonly httpStatus?: number,
  ) {
    super(message)
    this.name = 'RemoteError'
  }
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'server'
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** A reply that broke the protocol (src/shared/sync/protocol.ts) as a remote failure of kind `protocol`; others as they are. */
export function protocolToRemote(e: unknown): unknown {
  return e instanceof ProtocolError ? new RemoteError('protocol', e.message) : e
}

/** Runs a reply parser; a protocol violation becomes RemoteError('protocol') like every other remote failure. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    throw protocolToRemote(e)
  }
}

/** Classifies a Postgres error (pg or PGlite) by SQLSTATE. `whole`: the error ended the whole call. */
export function classifyPgError(e: unknown, what: string): RemoteError {
  if (e instanceof RemoteError) return e
  if (e instanceof ProtocolError) return new RemoteError('protocol', e.message)
  const err = e as { code?: string; message?: string }
  const code = typeof err?.code === 'string' ? err.code : ''
  const msg = err?.message ?? String(e)
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code === '42501') return new RemoteError('forbidden', `${what} refused: ${msg}`, code)
    if (code.startsWith('22') || code.startsWith('23')) return new RemoteError('client', msg, code)
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
      return new RemoteError('network', `${what}: the server is unreachable (${msg})`, code)
    if (code === '40001' || code === '40P01' || code.startsWith('53') || code === '55P03' || code === '57014')
      return new RemoteError('server', `${what}: transient server error (${msg})`, code)
    if (code === '42883' || code === '42P01') return new RemoteError('server', `${what}: the server lacks the sync functions (${msg})`, code)
    return new RemoteError('server', `${what} failed on the server: ${msg}`, code)
  }
  if (NETWORK_CODES.has(code) || /connect|terminated|socket|closed|ECONN|timeout/i.test(msg)) {
    return new RemoteError('network', `${what}: the server is unreachable (${msg})`)
  }
  return new RemoteError('server', `${what} failed: ${msg}`)
}

/** Maps a remote failure to the error a handler throws at the API boundary. */
export function toAppError(e: unknown): Error {
  if (e instanceof AppError) return e
  if (e instanceof ProtocolError) return new AppError('CONFLICT', e.message)
  if (e instanceof RemoteError) {
    switch (e.kind) {
      case 'auth':
      case 'forbidden':
        return new AppError('FORBIDDEN', e.message)
      case 'protocol':
        return new AppError('CONFLICT', e.message)
      case 'client':
        return new AppError('BAD_INPUT', e.message)
      default:
        return new AppError('UNAVAILABLE', e.message)
    }
  }
  return e instanceof Error ? e : new Error(String(e))
}

// ---- errors across a worker thread boundary (sync worker, bootstrap lane) ----------------------------------------------

export interface SerializedError {
  name: string
  message: string
  kind?: string
  code?: string
  sqlstate?: string
}

export function serializeError(e: unknown): SerializedError {
  const err = e as { name?: string; message?: string; kind?: string; code?: string; sqlstate?: string }
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e), kind: err?.kind, code: err?.code, sqlstate: err?.sqlstate }
}

export function reviveError(e: SerializedError): Error {
  if (e.name === 'RemoteError' && e.kind) return new RemoteError(e.kind as RemoteErrorKind, e.message, e.sqlstate)
  if (e.name === 'AppError') {
    const err = new Error(e.message)
    err.name = 'AppError'
    return err
  }
  const err = new Error(e.message)
  err.name = e.name
  return err
}
