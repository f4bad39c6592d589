// Applies the central SQL migrations (db/central/migrations/*.sql, in file-name order) to a PostgreSQL or PGlite
// database. Each file runs in its own transaction and records itself in public.schema_version (the files do that
// themselves, so `supabase db push` records them the same way). Guarded like the local migrator: the versions already
// applied must be a prefix of the files this build knows; a database migrated by a newer build is refused.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SqlClient } from './client'

export interface CentralMigration {
  version: string // file name without .sql
  sql: string
}

/** Finds db/central/migrations by walking up from this module (source tree, bundle, or packaged app). */
export function centralMigrationsDir(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()]
  for (const start of starts) {
    let dir = start
    for (let i = 0; i < 8; i++) {
      const candidate = join(dir, 'db', 'central', 'migrations')
      if (existsSync(candidate)) return candidate
      const parent = resolve(dir, '..')
      if (parent === dir) break
      dir = parent
    }
  }
  throw new Error('db/central/migrations not found next to the application')
}

const cache = new Map<string, CentralMigration[]>()

export function knownCentralMigrations(dir = centralMigrationsDir()): CentralMigration[] {
  let list = cache.get(dir)
  if (!list) {
    list = readdirSync(dir)
      .filter((f) => /^\d+_[a-z0-9_]+\.sql$/.test(f))
      .sort()
      .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
    cache.set(dir, list)
  }
  return list
}

export async function appliedCentralMigrations(client: SqlClient): Promise<string[]> {
  const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('public.schema_version')::text AS t`)
  if (!rows[0]?.t) return []
  const r = await client.query<{ version: string }>('SELECT version FROM public.schema_version ORDER BY version')
  return r.rows.map((x) => x.version)
}

export interface MigrateResult {
  applied: string[]
  already: number
}

/** `dir`: another folder of migration files (tests: the files of an earlier build); default centralMigrationsDir(). */
export async function applyCentralMigrations(client: SqlClient, opts: { dir?: string } = {}): Promise<MigrateResult> {
  const known = knownCentralMigrations(opts.dir)
  const done = await appliedCentralMigrations(client)
  for (let i = 0; i < done.length; i++) {
    if (known[i]?.version !== done[i]) {
      throw new Error(
        `central database has migration ${done[i]} that this build does not know at position ${i + 1} ` +
          `(expected ${known[i]?.version ?? 'none'}): it was migrated by a newer or diverged build`,
      )
    }
  }
  const applied: string[] = []
  for (const m of known.slice(done.length)) {
    try {
      await client.transaction((tx) => tx.exec(m.sql))
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e)
      throw new Error(`central migration ${m.version} failed: ${msg}`, { cause: e })
    }
    applied.push(m.version)
  }
  return { applied, already: done.length }
}
