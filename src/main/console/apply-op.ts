// What an op does to a line, as a pure function: the optimistic local state of pending ops (the overlay the grid and
// line detail show until the sync engine's pull brings the server's row), and what a simulated apply writes in tests.
//
// Synced tables stay untouched by the console: pending ops live only in `operations`, and `overlayPending` lays them
// over rows read from `lines` (Electric's write pattern 4: synced state and pending overlay kept apart).
import { ADDON_BY_CODE } from '../../shared/domain/catalog'
import type { Db } from '../db/open'

export interface LineState {
  planCode: string
  status: string
  addons: string
  tags: string
  walletCents: number
}

function listAdd(list: string, v: string): string {
  const items = list ? list.split(',') : []
  if (!items.includes(v)) items.push(v)
  return items.sort().join(',')
}
function listRemove(list: string, v: string): string {
  return (list ? list.split(',') : []).filter((x) => x !== v).join(',')
}

/** The line after `action` (top-ups add data, not an entry in the add-on list; they have no effect here). */
export function applyOpToLine<T extends LineState>(line: T, action: string, params: Record<string, unknown>): T {
  const next = { ...line }
  switch (action) {
    case 'change_plan':
      next.planCode = String(params.plan)
      break
    case 'add_addon':
      if (ADDON_BY_CODE.get(String(params.addon))?.recurring ?? true) next.addons = listAdd(line.addons, String(params.addon))
      break
    case 'remove_addon':
      next.addons = listRemove(line.addons, String(params.addon))
      break
    case 'suspend':
      next.status = 'suspended'
      break
    case 'resume':
      next.status = 'active'
      break
    case 'tag':
      next.tags = listAdd(line.tags, String(params.tag))
      break
    case 'untag':
      next.tags = listRemove(line.tags, String(params.tag))
      break
    case 'credit_wallet':
      next.walletCents = line.walletCents + Number(params.amount_cents)
      break
    case 'debit_wallet':
      next.walletCents = line.walletCents - Number(params.amount_cents)
      break
  }
  return next
}

/**
 * Rows as they will be once their pending ops apply, plus which rows have pending ops. Reads only the pending ops of
 * the given lines (operations_line index).
 */
export function overlayPending<T extends LineState & { id: number }>(db: Db, rows: T[]): { rows: T[]; pending: Set<number> } {
  if (rows.length === 0) return { rows, pending: new Set() }
  const ops = db
    .prepare(
      `SELECT line_id AS lineId, action, params FROM operations
       WHERE status = 'pending' AND line_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    )
    .all(JSON.stringify(rows.map((r) => r.id))) as Array<{ lineId: number; action: string; params: string }>
  if (ops.length === 0) return { rows, pending: new Set() }
  const byLine = new Map<number, Array<{ action: string; params: Record<string, unknown> }>>()
  for (const o of ops) {
    const list = byLine.get(o.lineId) ?? []
    list.push({ action: o.action, params: JSON.parse(o.params) as Record<string, unknown> })
    byLine.set(o.lineId, list)
  }
  const out = rows.map((r) => {
    const list = byLine.get(r.id)
    return list ? list.reduce((acc, op) => applyOpToLine(acc, op.action, op.params), r) : r
  })
  return { rows: out, pending: new Set(byLine.keys()) }
}
