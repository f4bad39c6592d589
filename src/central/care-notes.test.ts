// Issue 11, attack 4: care notes can no longer be forged, blocked or hidden. The server stamps id, agent and time
// (migration 20261208000301) and the change log's bulk-load switch is honoured for bulk loaders only (20261208000302).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AS_OF, seedCentral } from './fixtures'
import { asRole, createTestDatabase, type DbRole, type TestDatabase } from './test-db'

let db: TestDatabase

interface Note {
  id: number
  agent: string
  created_at: string
}

/** Inserts one care note as `role` with the given extra columns; returns the stored row. */
async function addNote(role: DbRole, extra: Record<string, string | number> = {}, setup = ''): Promise<Note> {
  const cols = ['account_id', 'line_id', 'channel', 'category', 'summary', ...Object.keys(extra)]
  const vals = ['ACC-000001', 1, 'call', 'billing', `note by ${role}`, ...Object.values(extra)]
  return asRole(db.client, role, {}, async (tx) => {
    if (setup) await tx.exec(setup)
    const { rows } = await tx.query<Note>(
      `INSERT INTO care_interactions (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
       RETURNING id::int, agent, created_at`,
      vals,
    )
    return rows[0]
  })
}

async function loggedNoteIds(): Promise<number[]> {
  const { rows } = await db.client.query<{ id: number }>(`SELECT (pk ->> 'id')::int AS id FROM sync_changes WHERE table_name = 'care_interactions' ORDER BY seq`)
  return rows.map((r) => r.id)
}

describe('attack 4: care notes are stamped by the server', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
    await seedCentral(db.client, { lines: 20 })
  })
  afterEach(async () => {
    await db?.dispose()
  })

  it('attack 4: an agent cannot sign a note with another name or backdate it', async () => {
    await expect(addNote('agent', { agent: 'alice@wingtel.example' })).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('leave agent out instead of naming alice@wingtel.example'),
    })
    const backdated = await addNote('agent', { created_at: '2020-01-01T00:00:00.000Z' })
    expect(backdated.agent).toBe('agent@wingtel.example') // from the JWT
    expect(backdated.created_at.startsWith(`${AS_OF}T`)).toBe(true) // app_now(): the demo clock's date, not the client's
    // naming yourself is fine
    expect((await addNote('operator', { agent: 'operator@wingtel.example' })).agent).toBe('operator@wingtel.example')
  })

  it('attack 4: an explicit next id is refused, so it cannot block everyone’s next note', async () => {
    const { rows } = await db.client.query<{ next: number }>(`SELECT (last_value + 1)::int AS next FROM care_interactions_id_seq`)
    await expect(addNote('agent', { id: rows[0].next })).rejects.toMatchObject({ code: '428C9', message: expect.stringContaining('leave id out') })
    await expect(
      asRole(db.client, 'agent', {}, (tx) =>
        tx.query(`INSERT INTO care_interactions (id, account_id, channel, category, summary) OVERRIDING SYSTEM VALUE
                  VALUES ($1, 'ACC-000001', 'call', 'billing', 'x')`, [rows[0].next + 1]),
      ),
    ).rejects.toMatchObject({ code: '428C9' })
    // the honest notes that follow get the next ids
    const a = await addNote('agent')
    const b = await addNote('admin')
    expect([a.id, b.id]).toEqual([rows[0].next, rows[0].next + 1])
  })

  it('attack 4: SET LOCAL wingtel.sync_log = off does not keep an agent’s note out of the change log', async () => {
    const hidden = await addNote('agent', {}, `SET LOCAL wingtel.sync_log = 'off'`)
    const viaConfig = await addNote('operator', {}, `SELECT set_config('wingtel.sync_log', 'off', true)`)
    expect(await loggedNoteIds()).toEqual([hidden.id, viaConfig.id])
  })

  it('bulk loaders keep their own ids, agents and times, and may still turn the log off', async () => {
    const loaded = await addNote('service_role', { id: 5000, agent: 'import', created_at: '2024-05-05T05:05:05.000Z' })
    expect(loaded).toEqual({ id: 5000, agent: 'import', created_at: '2024-05-05T05:05:05.000Z' })
    await db.client.transaction(async (tx) => {
      await tx.query(`SELECT set_config('wingtel.sync_log', 'off', true)`)
      await tx.exec(`INSERT INTO care_interactions (id, account_id, created_at, channel, category, summary, agent)
                     VALUES (5001, 'ACC-000001', '2024-05-05', 'call', 'billing', 'demo', 'demo')`)
    })
    expect(await loggedNoteIds()).toEqual([5000])
  })
})
