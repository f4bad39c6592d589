import { describe, expect, it } from 'vitest'
import { LEVELS, memoryLogger } from '../log'
import { DisposableStore } from './lifecycle'

describe('DisposableStore', () => {
  it('ends what it holds last first, each once, and goes on past one that fails (logged)', async () => {
    const { log, records } = memoryLogger()
    const store = new DisposableStore(() => log)
    const ended: string[] = []
    store.add('workspace', () => void ended.push('workspace'))
    store.add('sync', { dispose: async () => void ended.push('sync') })
    store.add('sql runner', () => {
      throw new Error('child would not die')
    })
    store.add('logger', () => void ended.push('logger'))
    await Promise.all([store.dispose(), store.dispose()])
    await store.dispose()
    expect(ended).toEqual(['logger', 'sync', 'workspace'])
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ level: LEVELS.error, service: 'sql runner', msg: 'a service failed to stop' })
    expect(() => store.add('late', () => undefined)).toThrow(/already disposed/)
  })
})
