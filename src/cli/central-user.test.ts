// `central user add` (issue 11, attack 7b): two people get their own Postgres logins, connect as themselves, push, and
// the ledger names each of them whatever claims their client sets.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { fromPgClient } from '../central/client'
import { claimsFor } from '../central/test-db'
import { centralWithLogins } from '../central/test-logins'
import { cli } from './testing'

describe('central user add', () => {
  const t = centralWithLogins()

  it('refuses bad input with the reasons, before asking for a password', async () => {
    const r = await cli(['central', 'user', 'add', '--login', 'Bad Name', '--email', 'nope', '--role', 'boss', '--url', 'postgres://x/y'])
    expect(r.code).toBe(2)
    expect(r.err).toBe(
      '--login must be a lower-case Postgres role name (letters, digits, _; at most 63)\n--email must be an e-mail address (the ledger names the person by it)\n--role must be one of operator, admin, analyst, agent, finance\n',
    )
  })

  it('attack 7b: two people connect with their own logins, push, and the ledger names each; forged claims do not count', async (ctx) => {
    ctx.skip(!t.db.url, 'on PGlite: logging in as another role needs a real server; runs with TEST_DATABASE_URL')
    const ann = t.loginName()
    const bob = t.loginName()
    process.env.CENTRAL_USER_PASSWORD = 'ann-password-1'
    try {
      const a = await cli(['central', 'user', 'add', '--login', ann, '--email', 'ann@wingtel.example', '--role', 'operator', '--url', t.db.url!, '--json'])
      expect(a).toMatchObject({ code: 0, json: { ok: true, login: ann, role: 'operator', created: true } })
      process.env.CENTRAL_USER_PASSWORD = 'bob-password-1'
      const b = await cli(['central', 'user', 'add', '--login', bob, '--email', 'bob@wingtel.example', '--role', 'operator', '--url', t.db.url!])
      expect(b.code).toBe(0)
      expect(b.out).toMatch(new RegExp(`^created login ${bob} for bob@wingtel.example \\(operator\\), user id [0-9a-f-]{36}\\n$`))
    } finally {
      delete process.env.CENTRAL_USER_PASSWORD
    }
    // each connects as themself and does what a direct-Postgres workstation does, claiming to be an admin named "ceo"
    const pushAs = async (login: string, line: number) => {
      const u = new URL(t.db.url!)
      u.username = login
      u.password = `${login.startsWith(ann) ? 'ann' : 'bob'}-password-1`
      const conn = new pg.Client({ connectionString: u.toString() })
      await conn.connect()
      try {
        const c = fromPgClient(conn)
        return await c.transaction(async (tx) => {
          await tx.query(`SELECT set_config('role', 'authenticated', true)`)
          await tx.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claimsFor('admin', { email: 'ceo@wingtel.example' }))])
          const v = (await tx.query<{ v: string }>('SELECT row_version::text AS v FROM lines WHERE id = $1', [line])).rows[0].v
          const batch = { client_id: 'ws-shared', ops: [{ op_id: 1, batch_id: 'b', action: 'tag', line_id: line, params: { tag: 'mine' }, base_version: Number(v), sentence: 's' }] }
          const { rows } = await tx.query<{ r: { results: Array<{ status: string }> } }>('SELECT push_operations($1::jsonb) AS r', [JSON.stringify(batch)])
          return rows[0].r.results[0].status
        })
      } finally {
        await conn.end()
      }
    }
    expect(await pushAs(ann, 1)).toBe('applied')
    expect(await pushAs(bob, 2)).toBe('applied') // same client id and op id, another person: his own op
    const led = await t.db.client.query<{ actor: string; role: string; line_id: string }>('SELECT actor, role, line_id::text FROM ledger ORDER BY id')
    expect(led.rows).toEqual([
      { actor: 'ann@wingtel.example', role: 'operator', line_id: '1' },
      { actor: 'bob@wingtel.example', role: 'operator', line_id: '2' },
    ])
  })
})
