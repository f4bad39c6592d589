// Test support for personal Postgres logins: per test, a fresh central database seeded with a few lines, and throw-away
// login role names. Roles are cluster-wide, so each one is dropped after its test on the real server.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach } from 'vitest'
import { seedCentral } from './fixtures'
import { createTestDatabase, type TestDatabase } from './test-db'

export interface CentralWithLogins {
  /** this test's database (set before each test) */
  db: TestDatabase
  /** a new login role name, dropped after the test */
  loginName: () => string
}

export function centralWithLogins(lines = 10): CentralWithLogins {
  const logins: string[] = []
  const t: CentralWithLogins = {
    db: undefined as unknown as TestDatabase,
    loginName: () => {
      const l = `wt_user_${randomBytes(4).toString('hex')}`
      logins.push(l)
      return l
    },
  }
  beforeEach(async () => {
    t.db = await createTestDatabase()
    await seedCentral(t.db.client, { lines })
  })
  afterEach(async () => {
    const url = t.db.url
    await t.db.dispose()
    if (!url) return
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await admin.connect()
    for (const l of logins.splice(0)) await admin.query(`DROP ROLE IF EXISTS ${l}`)
    await admin.end()
  })
  return t
}
