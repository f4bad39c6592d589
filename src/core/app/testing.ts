// Test support for the API's transports (nothing in the app imports this file).
import type { Api } from '../../shared/api'
import { AppError } from '../../shared/api/errors'

/** An Api whose lines.detail fails: NOT_FOUND (a user's error) for +15125550000, a plain Error (ours) for anything else. */
export function failingApi(): Api {
  return {
    lines: {
      detail: async ({ ref }: { ref: string }) => {
        if (ref === '+15125550000') throw new AppError('NOT_FOUND', `No line with MSISDN ${ref}`)
        throw new Error('cursor went away')
      },
    },
  } as unknown as Api
}
