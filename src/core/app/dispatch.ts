// Transport-neutral dispatch of one API call into the tRPC router: the Electron IPC handler uses it directly (the web
// server uses tRPC's HTTP adapter, which does the same). Unknown paths and wrong call types are refused before
// anything runs; inputs are validated by each procedure's zod schema; errors come back as tRPC error shapes, and are
// logged on the way (api-errors.ts).
import { TRPCError } from '@trpc/server'
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server/unstable-core-do-not-import'
import { z } from 'zod'
import { appRouter, type Api } from '../../shared/api'
import type { Ctx } from '../../shared/api/trpc'
import { domainLogger, scrubSecrets, type Logger } from '../log'
import { logApiError } from './api-errors'

const apiLog = domainLogger('api')

export const invokeRequest = z.object({
  path: z.string().min(1).max(200),
  type: z.enum(['query', 'mutation']),
  input: z.unknown().optional(),
})
export type InvokeRequest = z.infer<typeof invokeRequest>

export type InvokeResponse = { result: { data: unknown } } | { error: unknown }

export async function dispatch(api: Api, raw: unknown, transport: Ctx['transport'], log: Logger = apiLog()): Promise<InvokeResponse> {
  const ctx: Ctx = { api, transport }
  const parsed = invokeRequest.safeParse(raw)
  const path = parsed.success ? parsed.data.path : undefined
  const type = parsed.success ? parsed.data.type : 'unknown'
  const input = parsed.success ? parsed.data.input : undefined
  const fail = (error: TRPCError): InvokeResponse => {
    // a driver's message may quote a connection string: the answer carries no credential (issue 11, attack 10)
    error.message = scrubSecrets(error.message)
    logApiError(log, error, { path, transport })
    return { error: getErrorShape({ config: appRouter._def._config, error, type, path, input, ctx }) }
  }
  if (!parsed.success) return fail(new TRPCError({ code: 'BAD_REQUEST', message: 'Malformed API call: expected {path, type, input}.' }))
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } } | undefined>
  const procedure = Object.prototype.hasOwnProperty.call(procedures, path!) ? procedures[path!] : undefined
  if (!procedure) return fail(new TRPCError({ code: 'NOT_FOUND', message: `No API procedure "${path}".` }))
  if (procedure._def.type !== type) {
    return fail(new TRPCError({ code: 'BAD_REQUEST', message: `"${path}" is a ${procedure._def.type}, not a ${type}.` }))
  }
  try {
    const caller = appRouter.createCaller(ctx) as unknown as Record<string, unknown>
    const fn = path!.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>
    const data = await fn(input)
    return { result: { data } }
  } catch (e) {
    return fail(getTRPCErrorFromUnknown(e))
  }
}
