// The workstation's client id, and a new one for a copied or restored workspace (issue 11, attack 1: "two workspaces
// copied from one file both print applied: 1, yet one op never ran").
//
// The id lives in the store's meta (sync.client_id), which a copy carries along. So the file also has an identity
// outside the database: a sidecar `<workspace>.id` (mode 0600) holding the client id and the file's real path, device
// and inode. At engine open (ensureClientIdentity) the sidecar must name this very file and the meta's id:
//   * `cp ws.sqlite other.sqlite` (no sidecar next to the copy), `cp` of both files (another path and inode), and a
//     restore from a backup (a new inode under the old path, the sidecar naming the old one) all fail that check and
//     the workspace gets a NEW client id;
//   * a workspace from before this check (an id in meta, no sidecar, no marker) adopts its id and writes the sidecar.
// The ops already in the outbox keep the client id they were committed under ("epochs", meta sync.client_epochs:
// from which op seq on an id applies); op seqs keep going. So a pending op that both copies push is ONE op to the
// server (same key, same fingerprint: the second copy gets `duplicate` and its result), never applied twice, and the
// ops each copy commits afterwards are keyed under that copy's own id, never mistaken for one another. A false alarm
// (the file moved, a rebuild renamed a new file into place) only costs a new id.
import { randomUUID } from 'node:crypto'
import { chmodSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs'
import type { Db } from '../../store'

export const CLIENT_META = {
  clientId: 'sync.client_id',
  epochs: 'sync.client_epochs',
  /** set once the sidecar guards this workspace: from then on a missing sidecar means a copy */
  fileIdentity: 'sync.file_identity',
} as const

export interface ClientEpoch {
  client_id: string
  /** the first op seq committed under this id */
  from_seq: number
}

interface Sidecar {
  client_id: string
  path: string
  dev: number
  ino: number
}

/** The ids of one workspace's outbox: the current one and, for older ops, the ones they were committed under. */
export class ClientIdentity {
  constructor(
    readonly epochs: ClientEpoch[],
    /** why the current id is new at this open: 'new' workspace, 'copied' (or restored), or null */
    readonly renewed: 'new' | 'copied' | null = null,
  ) {
    if (epochs.length === 0) throw new Error('a client identity needs at least one client id')
  }
  get current(): string {
    return this.epochs[this.epochs.length - 1].client_id
  }
  /** The client id op `seq` was committed under. */
  idFor(seq: number): string {
    let id = this.epochs[0].client_id
    for (const e of this.epochs) if (seq >= e.from_seq) id = e.client_id
    return id
  }
}

export function sidecarPath(file: string): string {
  return `${file}.id`
}

function readSidecar(file: string): Sidecar | null {
  try {
    const s = JSON.parse(readFileSync(sidecarPath(file), 'utf8')) as Partial<Sidecar>
    if (typeof s.client_id !== 'string' || typeof s.path !== 'string' || typeof s.dev !== 'number' || typeof s.ino !== 'number') return null
    return s as Sidecar
  } catch {
    // missing or unreadable: no identity outside the database (the caller decides what that means)
    return null
  }
}

function writeSidecar(file: string, s: Sidecar): void {
  const tmp = `${sidecarPath(file)}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 })
  chmodSync(tmp, 0o600) // (the mode of writeFileSync is filtered by the umask)
  renameSync(tmp, sidecarPath(file))
}

function readEpochs(db: Db, current: string): ClientEpoch[] {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(CLIENT_META.epochs) as { value: string } | undefined
  try {
    const list = row ? (JSON.parse(row.value) as ClientEpoch[]) : []
    if (Array.isArray(list) && list.length > 0 && list[list.length - 1].client_id === current) return list
  } catch {
    // unreadable: every op is the current id's, as before epochs existed
  }
  return [{ client_id: current, from_seq: 0 }]
}

/**
 * The workspace's client identity, renewed when the file is not the one its id was given to. A store that is no file
 * (`:memory:`) has only the id in meta. Runs in one write transaction, so two processes opening one workspace agree.
 */
export function ensureClientIdentity(db: Db): ClientIdentity {
  const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
  const get = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value ?? null
  const file = db.name && db.name !== ':memory:' ? db.name : null
  return db
    .transaction((): ClientIdentity => {
      let id = get(CLIENT_META.clientId)
      if (!file) {
        if (!id) set.run(CLIENT_META.clientId, (id = randomUUID()))
        return new ClientIdentity(readEpochs(db, id))
      }
      const st = statSync(file)
      const here: Omit<Sidecar, 'client_id'> = { path: realpathSync(file), dev: st.dev, ino: st.ino }
      const side = readSidecar(file)
      let renewed: 'new' | 'copied' | null = null
      let epochs: ClientEpoch[]
      if (!id) {
        id = randomUUID()
        renewed = 'new'
        epochs = [{ client_id: id, from_seq: 0 }]
      } else if (side && side.client_id === id && side.path === here.path && side.dev === here.dev && side.ino === here.ino) {
        return new ClientIdentity(readEpochs(db, id))
      } else if (!side && get(CLIENT_META.fileIdentity) === null) {
        epochs = readEpochs(db, id) // a workspace from before the sidecar: it keeps its id
      } else {
        const prev = readEpochs(db, id)
        id = randomUUID()
        renewed = 'copied'
        const max = (db.prepare('SELECT coalesce(max(seq), 0) AS m FROM operations').get() as { m: number }).m
        epochs = [...prev, { client_id: id, from_seq: max + 1 }]
      }
      set.run(CLIENT_META.clientId, id)
      set.run(CLIENT_META.epochs, JSON.stringify(epochs))
      set.run(CLIENT_META.fileIdentity, '1')
      writeSidecar(file, { client_id: id, ...here })
      return new ClientIdentity(epochs, renewed)
    })
    .immediate()
}
