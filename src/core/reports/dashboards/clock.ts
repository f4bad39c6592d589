// The demo clock and month arithmetic the dashboards share. "Now" is the workspace's meta('as_of'), never the wall clock.
import { AppError } from '../../../shared/api/errors'
import type { Db } from '../../store'

/** What a dashboard computation reads: a connection to the workspace file and its meta. A Workspace is one. */
export interface Source {
  db: Db
  meta(key: string): string | null
}

export function asOfOf(ws: Source): string {
  const asOf = ws.meta('as_of')
  if (!asOf || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new AppError('UNAVAILABLE', 'this workspace has no as-of date (meta as_of); dashboards are relative to it')
  return asOf
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  const t = y * 12 + (m - 1) + n
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`
}

export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = []
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m)
  return out
}
