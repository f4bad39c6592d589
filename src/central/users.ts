// Personal Postgres logins (issue 11, attack 7b; db/central/migrations/20261208000400_person_logins.sql): one LOGIN
// role per person, a member of `authenticated` and of the marker `wingtel_person`, mapped in `app_users` to the
// person's user id, e-mail and workstation role. The server names the actor from that mapping, never from the
// client-set JWT claims. The password reaches the server only as a SCRAM-SHA-256 verifier computed here, so neither
// the server's statement log nor pg_stat_activity ever holds it in clear text.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import type { SqlClient } from './client'

export const PERSON_ROLES = ['operator', 'admin', 'analyst', 'agent', 'finance'] as const
export type PersonRole = (typeof PERSON_ROLES)[number]

const LOGIN_RE = /^[a-z_][a-z0-9_]{0,62}$/
const VERIFIER_RE = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/

/**
 * PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64. The password is NFKC-normalized (SASLprep's
 * mapping for the passwords people type; an ASCII password is used as is).
 */
export function scramVerifier(password: string, opts: { salt?: Buffer; iterations?: number } = {}): string {
  const salt = opts.salt ?? randomBytes(16)
  const iterations = opts.iterations ?? 4096
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}

export interface PersonalLogin {
  login: string
  email: string
  role: PersonRole
  /** the person's password (becomes a SCRAM verifier before it leaves this process) */
  password: string
}

/** Problems with the input, in the words of the person running the command; empty when it is fine. */
export function checkPersonalLogin(p: Partial<PersonalLogin>): string[] {
  const out: string[] = []
  if (!p.login || !LOGIN_RE.test(p.login)) out.push('--login must be a lower-case Postgres role name (letters, digits, _; at most 63)')
  if (!p.email || !/^[^@\s]+@[^@\s]+$/.test(p.email)) out.push('--email must be an e-mail address (the ledger names the person by it)')
  if (!p.role || !(PERSON_ROLES as readonly string[]).includes(p.role)) out.push(`--role must be one of ${PERSON_ROLES.join(', ')}`)
  if (!p.password || p.password.length < 8) out.push('the password must have at least 8 characters')
  return out
}

/**
 * Creates (or updates) the person's login role and its app_users mapping, in one transaction. The connecting user must
 * be allowed to create roles and grant `authenticated` and `wingtel_person` (the owner that ran the migrations, or a
 * superuser). Returns the person's user id.
 */
export async function addPersonalLogin(client: SqlClient, p: PersonalLogin): Promise<{ userId: string; created: boolean }> {
  const problems = checkPersonalLogin(p)
  if (problems.length) throw new Error(problems.join('; '))
  const verifier = scramVerifier(p.password)
  if (!VERIFIER_RE.test(verifier)) throw new Error('internal: malformed SCRAM verifier') // (inlined below: it must stay quote-free)
  return client.transaction(async (tx) => {
    const { rows } = await tx.query<{ super: boolean; bypass: boolean }>('SELECT rolsuper AS super, rolbypassrls AS bypass FROM pg_roles WHERE rolname = $1', [p.login])
    const exists = rows.length > 0
    if (exists && (rows[0].super || rows[0].bypass)) {
      throw new Error(`the role ${p.login} is a superuser or bypasses row-level security: a personal login must be an ordinary role`)
    }
    const role = `"${p.login}"`
    if (exists) {
      await tx.exec(`ALTER ROLE ${role} LOGIN PASSWORD '${verifier}'; GRANT authenticated, wingtel_person TO ${role}`)
    } else {
      await tx.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${verifier}' IN ROLE authenticated, wingtel_person`)
    }
    const r = await tx.query<{ user_id: string }>(
      `INSERT INTO app_users (login_role, email, role) VALUES ($1, $2, $3)
       ON CONFLICT (login_role) DO UPDATE SET email = excluded.email, role = excluded.role RETURNING user_id::text`,
      [p.login, p.email, p.role],
    )
    return { userId: r.rows[0].user_id, created: !exists }
  })
}
