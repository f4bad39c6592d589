// The op fingerprint, computed exactly as the central push_op_fingerprint() does (db/central/migrations/
// 20261208000401_push_author_key.sql; the canonical form is documented in docs/SYNC-PROTOCOL.md "Op fingerprint").
// The server returns the stored fingerprint with a `duplicate` answer; the outbox takes that answer as its op's result
// only when it equals this op's own fingerprint (issue 11, attack 1).
import { createHash } from 'node:crypto'
import type { PushOp } from '../../../shared/sync/protocol'

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

/**
 * The canonical text of a JSON value: no whitespace, object keys sorted by their UTF-8 bytes, strings and numbers as
 * JSON.stringify writes them (which is PostgreSQL's JSON escaping and, for integers, its numeric text), undefined
 * object members left out (JSON has none).
 */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return `[${v.map((e) => canonicalJson(e)).join(',')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort(byUtf8)
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/** sha256 (hex) of the canonical text of {action, base_version, batch_id, line_id, params, sentence}. */
export function opFingerprint(op: Pick<PushOp, 'action' | 'base_version' | 'batch_id' | 'line_id' | 'params' | 'sentence'>): string {
  const canonical = canonicalJson({
    action: op.action ?? null,
    base_version: op.base_version ?? null,
    batch_id: op.batch_id ?? null,
    line_id: op.line_id ?? null,
    params: op.params ?? null,
    sentence: op.sentence ?? null,
  })
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}
