// The central side's "pull now" poke (migration 8): one per transaction that writes the change log, carrying only that
// transaction's xid; NOTIFY sync_changes everywhere, a Realtime broadcast where realtime.send exists (Supabase).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seedCentral } from './fixtures'
import { centralMigrationsDir, knownCentralMigrations } from './migrate'
import { asRole, createTestDatabase, type TestDatabase } from './test-db'

let db: TestDatabase

/** A stand-in for Supabase's realtime.send: records what would be broadcast. */
const FAKE_REALTIME = `
  CREATE SCHEMA IF NOT EXISTS realtime;
  CREATE TABLE IF NOT EXISTS realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
  CREATE OR REPLACE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true) RETURNS void
    LANGUAGE sql AS $$ INSERT INTO realtime.sent (payload, event, topic, private) VALUES (payload, event, topic, private) $$;`

async function sent(): Promise<Array<{ payload: { xid: string }; event: string; topic: string; private: boolean }>> {
  return (await db.client.query<{ payload: { xid: string }; event: string; topic: string; private: boolean }>('SELECT payload, event, topic, private FROM realtime.sent ORDER BY n')).rows
}

async function xidOf(sql: string): Promise<string> {
  return db.client.transaction(async (tx) => {
    await tx.exec(sql)
    return (await tx.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x
  })
}

describe('central pokes (migration 8)', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 20 })
    await db.client.exec(FAKE_REALTIME)
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('one Realtime poke per transaction that writes the log, with only its xid; none for rollbacks or unlogged writes', async () => {
    // two statements, three rows: one poke
    const x1 = await xidOf(`UPDATE lines SET data_used_mb = 1 WHERE id IN (1, 2); UPDATE lines SET data_used_mb = 2 WHERE id = 3`)
    expect(await sent()).toEqual([{ payload: { xid: x1 }, event: 'poke', topic: 'sync_changes', private: true }])

    // rolled back: nothing
    await db.client.transaction(async (tx) => {
      await tx.exec(`UPDATE lines SET data_used_mb = 3 WHERE id = 4`)
      throw new Error('roll back')
    }).catch(() => {})
    // a rolled-back subtransaction, then a write: one poke (the flag rolled back with the subtransaction's poke)
    const x2 = await xidOf(`SAVEPOINT a; UPDATE lines SET data_used_mb = 4 WHERE id = 5; ROLLBACK TO SAVEPOINT a; UPDATE lines SET data_used_mb = 5 WHERE id = 6`)
    // the log off (bulk demo fill): no poke
    await db.client.transaction(async (tx) => {
      await tx.query(`SELECT set_config('wingtel.sync_log', 'off', true)`)
      await tx.exec(`UPDATE lines SET data_used_mb = 6 WHERE id = 7`)
    })
    expect((await sent()).map((s) => s.payload)).toEqual([{ xid: x1 }, { xid: x2 }])

    // a push of several ops: one poke
    const lines = (await db.client.query<{ id: number; row_version: number }>('SELECT id::int, row_version::int FROM lines WHERE id BETWEEN 11 AND 14 ORDER BY id')).rows
    const reply = await asRole(db.client, 'operator', {}, async (tx) => {
      const r = await tx.query<{ r: { results: Array<{ status: string }> } }>('SELECT push_operations($1::jsonb) AS r', [
        JSON.stringify({
          client_id: 'poke-test',
          ops: lines.map((l, i) => ({ op_id: i + 1, batch_id: 'b', action: 'tag', line_id: l.id, params: { tag: 'poked' }, base_version: l.row_version })),
        }),
      ])
      return r.rows[0].r
    })
    expect(reply.results.filter((r) => r.status === 'applied')).toHaveLength(4)
    expect(await sent()).toHaveLength(3)
  })

  it('NOTIFY sync_changes once per transaction, payload = the xid, delivered at commit', async (ctx) => {
    ctx.skip(db.kind === 'pglite', 'on PGlite: LISTEN needs a second connection; runs with TEST_DATABASE_URL')
    const listener = new pg.Client({ connectionString: db.url })
    await listener.connect()
    try {
      const got: string[] = []
      listener.on('notification', (n) => {
        if (n.channel === 'sync_changes') got.push(n.payload ?? '')
      })
      await listener.query('LISTEN sync_changes')
      const x1 = await xidOf(`UPDATE lines SET data_used_mb = 7 WHERE id IN (1, 2); INSERT INTO care_interactions (account_id, line_id, created_at, channel, category, summary, agent) SELECT account_id, id, '2026-11-20', 'call', 'billing', 'x', 'a1' FROM lines WHERE id = 1`)
      const x2 = await xidOf(`UPDATE lines SET data_used_mb = 8 WHERE id = 3`)
      // a marker NOTIFY after both commits: notifications arrive in commit order, so once it is here the others are too
      await db.client.exec(`NOTIFY sync_changes, 'done'`)
      await new Promise<void>((resolve) => {
        const check = () => (got.includes('done') ? resolve() : setTimeout(check, 5))
        check()
      })
      expect(got).toEqual([x1, x2, 'done'])
    } finally {
      await listener.end()
    }
  })

  it('a Realtime poke that fails does not fail the writing transaction', async () => {
    await db.client.exec(`CREATE OR REPLACE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true) RETURNS void
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'realtime is down'; END $$`)
    await db.client.exec(`UPDATE lines SET data_used_mb = 9 WHERE id = 8`)
    expect((await db.client.query<{ v: number }>('SELECT data_used_mb::int AS v FROM lines WHERE id = 8')).rows[0].v).toBe(9)
  })

  it('creates the Realtime receive policy when the realtime schema exists, and reapplies cleanly', async () => {
    await db.client.exec(`
      CREATE TABLE IF NOT EXISTS realtime.messages (id bigserial, topic text, extension text, payload jsonb, event text, private boolean);
      CREATE OR REPLACE FUNCTION realtime.topic() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('realtime.topic', true) $$;`)
    const m = knownCentralMigrations().find((x) => x.version.startsWith('20261122000008_'))!
    const sql = readFileSync(join(centralMigrationsDir(), `${m.version}.sql`), 'utf8')
    await db.client.transaction((tx) => tx.exec(sql))
    await db.client.transaction((tx) => tx.exec(sql))
    const p = await db.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_policies WHERE schemaname = 'realtime' AND tablename = 'messages' AND policyname = 'wingtel_sync_poke_receive'`,
    )
    expect(p.rows[0].n).toBe(1)
  })

  it('attack 8: no client may broadcast on the sync_changes topic, whatever INSERT policies a project adds', async () => {
    // Realtime's messages table as Supabase has it (RLS on, clients may insert where a policy allows), plus a project's
    // own permissive "anyone signed in may broadcast" policy for its chat channels
    await db.client.exec(`
      CREATE TABLE IF NOT EXISTS realtime.messages (id bigserial, topic text, extension text, payload jsonb, event text, private boolean);
      CREATE OR REPLACE FUNCTION realtime.topic() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('realtime.topic', true) $$;
      ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;
      GRANT USAGE ON SCHEMA realtime TO authenticated, anon;
      GRANT SELECT, INSERT ON realtime.messages TO authenticated, anon;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA realtime TO authenticated, anon;
      CREATE POLICY project_chat_send ON realtime.messages FOR INSERT TO authenticated, anon WITH CHECK (true);`)
    const m = knownCentralMigrations().find((x) => x.version.startsWith('20261208000302_'))!
    await db.client.transaction((tx) => tx.exec(readFileSync(join(centralMigrationsDir(), `${m.version}.sql`), 'utf8')))
    const send = (role: 'operator' | 'anon', topic: string) =>
      asRole(db.client, role, {}, async (tx) => {
        await tx.query(`SELECT set_config('realtime.topic', $1, true)`, [topic])
        await tx.query(`INSERT INTO realtime.messages (topic, extension, payload, event, private) VALUES ($1, 'broadcast', '{"xid": "9223372036854775000"}', 'poke', true)`, [topic])
      })
    await expect(send('operator', 'sync_changes')).rejects.toMatchObject({ code: '42501' })
    await expect(send('anon', 'sync_changes')).rejects.toMatchObject({ code: '42501' })
    await expect(send('operator', 'chat:lobby')).resolves.toBeUndefined()
  })
})
