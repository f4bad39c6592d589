// Test support for issue 11, attack 2: what a database owner (a superuser; on Supabase `postgres`) can do to the ledger
// behind every privilege and trigger.
import type { SqlClient } from './client'

/** As the superuser: triggers off, entry `id` rewritten, every later hash recomputed, the head moved, triggers on. */
export async function rewriteLedgerEntry(c: SqlClient, id: number): Promise<void> {
  await c.exec(`
    ALTER TABLE ledger DISABLE TRIGGER ledger_append_only;
    ALTER TABLE ledger_head DISABLE TRIGGER ledger_head_guard;
    UPDATE ledger SET params = '{"amount_cents": 99999, "reason": "goodwill"}' WHERE id = ${id};
    DO $$
    DECLARE r record; p bytea;
    BEGIN
      SELECT hash INTO p FROM ledger WHERE id = ${id - 1};
      FOR r IN SELECT id FROM ledger WHERE id >= ${id} ORDER BY id LOOP
        UPDATE ledger SET prev_hash = p WHERE id = r.id;
        UPDATE ledger l SET hash = sha256(l.prev_hash || convert_to(ledger_canonical(l), 'UTF8')) WHERE id = r.id RETURNING hash INTO p;
      END LOOP;
      UPDATE ledger_head SET last_id = (SELECT max(id) FROM ledger), hash = p;
    END $$;
    ALTER TABLE ledger ENABLE TRIGGER ledger_append_only;
    ALTER TABLE ledger_head ENABLE TRIGGER ledger_head_guard;
  `)
}
