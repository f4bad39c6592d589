// Pending ops are local optimistic state, kept apart from the synced tables (the replica is only ever written by the
// pull). The grid and the detail view ask for the overlay of the lines they show and draw its values on top.
// An op leaves the overlay when it is no longer pending, except an applied op whose effect the pull has not brought
// yet: it stays until the synced line's row_version passes the version the op was made against.
import type { LineOverlay } from '../../../shared/api/sync'
import type { Db } from '../../store'

export type { LineOverlay }

function splitList(s: string): string[] {
  return s ? s.split(',').filter(Boolean) : []
}
function joinList(xs: Iterable<string>): string {
  return [...new Set(xs)].sort().join(',')
}

interface Row {
  seq: number
  line_id: number
  action: string
  params: string
  status: string
  l_status: string
  plan_code: string
  addons: string
  tags: string
}

/** Effect of the pending (and applied-but-not-yet-pulled) ops on each of `lineIds`. Lines without any are absent. */
export function pendingOverlay(ws: { db: Db } | Db, lineIds: readonly number[]): Map<number, LineOverlay> {
  const db = 'db' in ws ? ws.db : ws
  const out = new Map<number, LineOverlay>()
  const state = new Map<number, { base: Row; status: string; plan: string; addons: string[]; tags: string[] }>()
  for (let i = 0; i < lineIds.length; i += 500) {
    const chunk = lineIds.slice(i, i + 500)
    const rows = db
      .prepare(
        `SELECT o.seq, o.line_id, o.action, o.params, o.status, l.status AS l_status, l.plan_code, l.addons, l.tags
         FROM operations o JOIN lines l ON l.id = o.line_id
         WHERE o.line_id IN (${chunk.map(() => '?').join(',')})
           AND (o.status = 'pending' OR (o.status = 'applied' AND l.row_version <= o.base_version))
         ORDER BY o.seq`,
      )
      .all(...chunk) as Row[]
    for (const r of rows) {
      let s = state.get(r.line_id)
      if (!s) {
        s = { base: r, status: r.l_status, plan: r.plan_code, addons: splitList(r.addons), tags: splitList(r.tags) }
        state.set(r.line_id, s)
        out.set(r.line_id, { lineId: r.line_id, ops: [] })
      }
      let p: Record<string, unknown> = {}
      try {
        p = JSON.parse(r.params) as Record<string, unknown>
      } catch {
        /* no effect */
      }
      const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null)
      switch (r.action) {
        case 'suspend':
          s.status = 'suspended'
          break
        case 'resume':
          s.status = 'active'
          break
        case 'change_plan':
          if (str('plan')) s.plan = str('plan')!
          break
        case 'add_addon':
          if (str('addon')) s.addons = [...s.addons, str('addon')!]
          break
        case 'remove_addon':
          s.addons = s.addons.filter((a) => a !== str('addon'))
          break
        case 'tag':
          if (str('tag')) s.tags = [...s.tags, str('tag')!.toLowerCase()]
          break
        case 'untag':
          s.tags = s.tags.filter((t) => t !== str('tag')?.toLowerCase())
          break
      }
      out.get(r.line_id)!.ops.push({ seq: r.seq, action: r.action, status: r.status })
    }
  }
  for (const [id, s] of state) {
    const o = out.get(id)!
    if (s.status !== s.base.l_status) o.status = s.status
    if (s.plan !== s.base.plan_code) o.planCode = s.plan
    const addons = joinList(s.addons)
    if (addons !== joinList(splitList(s.base.addons))) o.addons = addons
    const tags = joinList(s.tags)
    if (tags !== joinList(splitList(s.base.tags))) o.tags = tags
  }
  return out
}
