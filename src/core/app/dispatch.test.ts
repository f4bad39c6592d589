// Errors that cross IPC are logged: ours at error with their stack, the user's at info without one.
import { describe, expect, it } from 'vitest'
import type { Api } from '../../shared/api'
import { AppError } from '../../shared/api/errors'
import { LEVELS, memoryLogger } from '../log'
import { dispatch } from './dispatch'
import { failingApi } from './testing'

const api = failingApi()

describe('dispatch logs the errors it returns', () => {
  it('logs a handler’s plain Error at error, with its stack and the call’s path', async () => {
    const { log, records } = memoryLogger()
    const res = await dispatch(api, { path: 'lines.detail', type: 'query', input: { ref: '+15125559999' } }, 'ipc', log)
    expect(res).toHaveProperty('error')
    expect(records).toHaveLength(1)
    const [rec] = records
    expect(rec).toMatchObject({ level: LEVELS.error, path: 'lines.detail', transport: 'ipc', msg: 'api lines.detail failed: cursor went away' })
    expect(rec.err).toMatchObject({ type: 'Error', message: 'cursor went away' })
    expect((rec.err as { stack: string }).stack).toContain('app/testing.ts') // where the handler threw
  })

  it('logs a user-facing AppError at info, with its code and no stack', async () => {
    const { log, records } = memoryLogger()
    await dispatch(api, { path: 'lines.detail', type: 'query', input: { ref: '+15125550000' } }, 'ipc', log)
    expect(records).toEqual([expect.objectContaining({ level: LEVELS.info, path: 'lines.detail', code: 'NOT_FOUND', msg: 'No line with MSISDN +15125550000' })])
    expect(records[0]).not.toHaveProperty('err')
  })

  it('logs a refused call at info, and a successful one not at all', async () => {
    const { log, records } = memoryLogger()
    await dispatch(api, { path: 'lines.dropAll', type: 'mutation' }, 'ipc', log)
    expect(records).toEqual([expect.objectContaining({ level: LEVELS.info, path: 'lines.dropAll', code: 'NOT_FOUND' })])
    expect(records[0]).not.toHaveProperty('err')
  })
})

describe('dispatch answers without credentials (issue 11, attack 10)', () => {
  it('masks a connection string password quoted by a handler error, in the answer and the log', async () => {
    const { log, records } = memoryLogger()
    const leaky = {
      lines: {
        detail: async () => {
          throw new AppError('UNAVAILABLE', 'cannot reach postgres://me:hunter2@db.example/wt?password=hunter2')
        },
      },
    } as unknown as Api
    const res = (await dispatch(leaky, { path: 'lines.detail', type: 'query', input: { ref: '+15125559999' } }, 'ipc', log)) as { error: { message: string } }
    expect(res.error.message).toBe('cannot reach postgres://me:***@db.example/wt?password=***')
    expect(JSON.stringify(records)).not.toContain('hunter2')
  })
})
