// The SQL runner's schema browser: tables and views with their columns, types and indexes.
import type { SchemaTable } from '../../shared/api/reports'
import type { Workspace } from '../store'

export function schemaTables(ws: Workspace): SchemaTable[] {
  const objects = ws.db
    .prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string; type: 'table' | 'view' }>
  return objects.map((o) => {
    const cols = ws.db.prepare('SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?)').all(o.name) as Array<{ name: string; type: string; nn: number; pk: number }>
    const idx = ws.db.prepare('SELECT name, "unique" AS u FROM pragma_index_list(?) ORDER BY name').all(o.name) as Array<{ name: string; u: number }>
    return {
      name: o.name,
      type: o.type,
      columns: cols.map((c) => ({ name: c.name, type: c.type, notNull: c.nn === 1, pk: c.pk > 0 })),
      indexes: idx.map((i) => ({
        name: i.name,
        unique: i.u === 1,
        columns: (ws.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(i.name) as Array<{ name: string | null }>).map((c) => c.name ?? '(expr)'),
      })),
    }
  })
}
