// Saved reports: a name (unique) and the validated spec, in `saved_reports`. Writes go through the workspace queue.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/api/errors'
import { reportSpec, type ReportSpec, type SavedReport } from '../../shared/api/reports'
import type { Workspace } from '../store'

interface Row {
  id: string
  name: string
  spec: string
  created_at: string
  updated_at: string
}

function toSaved(r: Row): SavedReport {
  return { id: r.id, name: r.name, spec: reportSpec.parse(JSON.parse(r.spec)), createdAt: r.created_at, updatedAt: r.updated_at }
}

export function listSaved(ws: Workspace): SavedReport[] {
  const rows = ws.db.prepare('SELECT id, name, spec, created_at, updated_at FROM saved_reports ORDER BY name COLLATE NOCASE').all() as Row[]
  return rows.map(toSaved)
}

export function findSaved(ws: Workspace, name: string): SavedReport | null {
  const r = ws.db.prepare('SELECT id, name, spec, created_at, updated_at FROM saved_reports WHERE name = ?').get(name) as Row | undefined
  return r ? toSaved(r) : null
}

export function getSaved(ws: Workspace, name: string): SavedReport {
  const r = findSaved(ws, name)
  if (!r) {
    const known = listSaved(ws).map((s) => s.name)
    throw new AppError('NOT_FOUND', `no saved report named "${name}"${known.length ? ` (saved: ${known.join(', ')})` : ''}`)
  }
  return r
}

const now = () => new Date().toISOString()

export async function saveReport(ws: Workspace, name: string, spec: ReportSpec, overwrite = false): Promise<SavedReport> {
  const saved = await ws.queue.run(() => {
    const existing = findSaved(ws, name)
    if (existing && !overwrite) throw new AppError('CONFLICT', `a report named "${name}" already exists`)
    const t = now()
    if (existing) {
      ws.db.prepare('UPDATE saved_reports SET spec = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(spec), t, existing.id)
    } else {
      ws.db.prepare('INSERT INTO saved_reports (id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), name, JSON.stringify(spec), t, t)
    }
    return getSaved(ws, name)
  })
  ws.changed(['saved_reports'])
  return saved
}

export async function renameReport(ws: Workspace, name: string, newName: string): Promise<SavedReport> {
  const saved = await ws.queue.run(() => {
    const r = getSaved(ws, name)
    if (newName !== name && findSaved(ws, newName)) throw new AppError('CONFLICT', `a report named "${newName}" already exists`)
    ws.db.prepare('UPDATE saved_reports SET name = ?, updated_at = ? WHERE id = ?').run(newName, now(), r.id)
    return getSaved(ws, newName)
  })
  ws.changed(['saved_reports'])
  return saved
}

export async function duplicateReport(ws: Workspace, name: string, newName?: string): Promise<SavedReport> {
  const saved = await ws.queue.run(() => {
    const r = getSaved(ws, name)
    let target = newName
    if (!target) {
      target = `${name} (copy)`
      for (let i = 2; findSaved(ws, target); i++) target = `${name} (copy ${i})`
    } else if (findSaved(ws, target)) throw new AppError('CONFLICT', `a report named "${target}" already exists`)
    const t = now()
    ws.db.prepare('INSERT INTO saved_reports (id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), target, JSON.stringify(r.spec), t, t)
    return getSaved(ws, target)
  })
  ws.changed(['saved_reports'])
  return saved
}

export async function deleteReport(ws: Workspace, name: string): Promise<boolean> {
  const n = await ws.queue.run(() => {
    getSaved(ws, name)
    return ws.db.prepare('DELETE FROM saved_reports WHERE name = ?').run(name).changes
  })
  ws.changed(['saved_reports'])
  return n > 0
}
