// The command palette's instant search: what the typed text can mean (MSISDN in any formatting, ICCID, account id,
// account name, e-mail), each looked up as a bounded prefix range on its index, merged and de-duplicated.
import type { SearchHit } from '../../shared/api/lines'
import type { LinesEngine } from './engine'
import { searchRanges, type PrefixRange } from './filters'

const FIELD_ORDER: PrefixRange['field'][] = ['msisdn', 'iccid', 'account', 'name', 'email']

interface LineHitRow {
  lineId: number
  msisdn: string
  iccid: string
  accountId: string
  name: string
  email: string
  status: string
  planCode: string
}

const LINE_HIT_SELECT = `id AS lineId, msisdn, iccid, account_id AS accountId, account_name AS name, email, status, plan_code AS planCode`

export function searchLines(engine: LinesEngine, text: string, limit: number): SearchHit[] {
  const ranges = searchRanges(text, engine.accountDigits())
  ranges.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field) || Number(b.exact ?? false) - Number(a.exact ?? false))
  const hits: SearchHit[] = []
  const seenLines = new Set<number>()
  const seenAccounts = new Set<string>()
  for (const r of ranges) {
    if (hits.length >= limit) break
    const want = limit - hits.length
    if (r.field === 'msisdn' || r.field === 'iccid') {
      const sql = `SELECT ${LINE_HIT_SELECT} FROM lines WHERE ${r.operand} >= ? AND ${r.operand} < ? ORDER BY ${r.operand} LIMIT ?`
      for (const row of engine.stmt(sql).all(r.lo, r.hi, want) as LineHitRow[]) {
        if (seenLines.has(row.lineId)) continue
        seenLines.add(row.lineId)
        hits.push({ kind: 'line', ...row, matched: r.field })
      }
      continue
    }
    // account id, name and e-mail: one hit per account, pointing at its first line (the palette jumps to a line)
    const column = r.field === 'account' ? 'id' : r.field === 'name' ? 'name' : 'email'
    const operand = r.field === 'name' ? 'name COLLATE NOCASE' : column
    const cond = r.exact ? `${operand} = ?` : `${operand} >= ? AND ${operand} < ?`
    const params: unknown[] = r.exact ? [r.lo] : [r.lo, r.hi]
    const sql = `SELECT id, name, email FROM accounts WHERE ${cond} ORDER BY ${operand} LIMIT ?`
    const accounts = engine.stmt(sql).all(...params, want + seenAccounts.size) as Array<{ id: string; name: string; email: string }>
    const firstLine = engine.stmt(`SELECT ${LINE_HIT_SELECT} FROM lines WHERE account_id = ? ORDER BY id LIMIT 1`)
    for (const a of accounts) {
      if (hits.length >= limit) break
      if (seenAccounts.has(a.id)) continue
      seenAccounts.add(a.id)
      const line = firstLine.get(a.id) as LineHitRow | undefined
      hits.push({
        kind: 'account',
        lineId: line?.lineId ?? null,
        msisdn: line?.msisdn ?? null,
        iccid: line?.iccid ?? null,
        accountId: a.id,
        name: a.name,
        email: a.email,
        status: line?.status ?? null,
        planCode: line?.planCode ?? null,
        matched: r.field,
      })
    }
  }
  return hits
}
