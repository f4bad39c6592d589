// Issue 11, attack 10: an error that quotes a connection string (`sync … --url postgres://me:pw@…`) must not print its
// password, with or without --json.
import { describe, expect, it } from 'vitest'
import { register } from './registry'
import { cli } from './testing'

register({
  path: ['test-leaky-error'],
  summary: 'test only: fails quoting a URL with a password',
  usage: 'test-leaky-error',
  async run() {
    throw new Error('cannot connect to postgres://me:hunter2@db.example/wt?password=hunter2')
  },
})

describe('CLI errors carry no credential (attack 10)', () => {
  it.each([[['--json']], [[]]])('masks the password (%j)', async (flags) => {
    const r = await cli(['test-leaky-error', ...flags])
    expect(r.code).toBe(1)
    expect(JSON.stringify(r)).not.toContain('hunter2')
    expect(JSON.stringify(r)).toContain('postgres://me:***@db.example/wt?password=***')
  })
})
