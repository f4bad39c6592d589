// The workstation's own check of the central ledger (issue 11, attack 2). It reads the ledger page by page
// (ledger_page, through any remote), recomputes the chain, checks the signatures of the trusted keys (and of the
// remote's own key: the sandbox's) and that the chain extends the head this workstation verified last: its anchor,
// kept in the local store's meta per remote, out of the central database's reach. A chain that verifies moves the
// anchor forward; a failure names the first bad entry and leaves the anchor where it was.
import { verifyLedgerPages, type LedgerAnchor, type LedgerCheck, type LedgerKey } from '../../central/ledger'
import type { LedgerVerifyReply } from '../../shared/sync/protocol'
import { rootLogger } from '../log'
import { RemoteError } from './errors'
import type { Remote } from './remotes/remote'
import { META, type ReplicaMeta } from './replica'

export async function verifyLedgerHere(remote: Remote, meta: ReplicaMeta, remoteId: string, trusted: readonly LedgerKey[]): Promise<LedgerVerifyReply> {
  if (!remote.ledgerPage) {
    if (!remote.ledgerVerify) throw new RemoteError('client', 'this remote cannot verify the ledger')
    return remote.ledgerVerify()
  }
  const keys = [...trusted, ...(remote.ledgerKeys?.() ?? [])]
  const anchorKey = `${META.ledgerAnchor}:${remoteId}`
  const anchor = parseAnchor(meta.meta(anchorKey))
  let r: LedgerCheck
  try {
    r = await verifyLedgerPages((after, limit) => remote.ledgerPage!(after, limit), { keys, anchor })
  } catch (e) {
    // an older server without ledger_page(): its own word, unless this workstation already checked it itself or has
    // keys to check (a server that stops serving its raw ledger must not downgrade the check)
    const missing = e instanceof RemoteError && (e.sqlstate === '42883' || e.sqlstate === 'PGRST202')
    if (!missing || !remote.ledgerVerify) throw e
    if (anchor || keys.length) {
      throw new RemoteError(
        'server',
        'The server no longer serves its ledger for verification (ledger_page is missing), although this workstation verified it before: treat its history as unverified and ask an administrator.',
        e.sqlstate,
      )
    }
    return remote.ledgerVerify()
  }
  if (r.ok) {
    const next: LedgerAnchor = { id: r.verified_up_to, hash: r.head_hash, at: new Date().toISOString(), signedId: r.signed_up_to, signedBy: r.signed_by }
    meta.setMeta(anchorKey, JSON.stringify(next))
  }
  return {
    ok: r.ok,
    entries: r.entries,
    first_bad_id: r.first_bad_id,
    reason: r.reason,
    verified_up_to: r.verified_up_to,
    signed_up_to: r.signed_up_to,
    signed_by: r.signed_by,
    anchored_at: anchor?.at ?? null,
  }
}

/** The stored anchor, or null when there is none (a damaged one is logged and dropped: the next check sets a new one). */
function parseAnchor(text: string | null): LedgerAnchor | null {
  if (!text) return null
  try {
    const a = JSON.parse(text) as LedgerAnchor
    if (Number.isInteger(a.id) && a.id >= 0 && typeof a.hash === 'string' && typeof a.at === 'string') return a
  } catch {
    // logged just below
  }
  rootLogger().child({ domain: 'sync' }).warn({ anchor: text.slice(0, 200) }, 'the stored ledger anchor is damaged; the next verification replaces it')
  return null
}
