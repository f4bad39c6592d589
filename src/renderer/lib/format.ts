// Display formatting shared by the screens: money in cents, data in MB, dates, line statuses.
import type { MantineColor } from '@mantine/core'
import { formatCents } from '../../shared/domain/money'
import { formatUs } from '../../shared/domain/msisdn'

const int = new Intl.NumberFormat('en-US')

export const formatMsisdn = formatUs

export function money(cents: number | null | undefined): string {
  return cents == null ? '' : formatCents(cents)
}

export function count(n: number): string {
  return int.format(n)
}

/** MB as "850 MB", "12.4 GB", "1.2 TB". */
export function dataSize(mb: number | null | undefined): string {
  if (mb == null) return ''
  if (Math.abs(mb) < 1024) return `${int.format(Math.round(mb))} MB`
  const gb = mb / 1024
  if (Math.abs(gb) < 1024) return `${gb.toFixed(gb < 10 ? 2 : 1)} GB`
  return `${(gb / 1024).toFixed(2)} TB`
}

/** ISO date or timestamp → "2026-11-21" (dates) or "2026-11-21 14:05" (timestamps). */
export function when(iso: string | null | undefined): string {
  if (!iso) return ''
  return iso.length <= 10 ? iso : iso.slice(0, 16).replace('T', ' ')
}

export const STATUS_COLOR: Record<string, MantineColor> = {
  active: 'green',
  pending: 'blue',
  suspended: 'orange',
  hotlined: 'red',
  disconnected: 'gray',
  // invoices and payments
  paid: 'green',
  open: 'blue',
  due: 'blue',
  overdue: 'red',
  past_due: 'red',
  partial: 'yellow',
  written_off: 'grape',
  failed: 'red',
  succeeded: 'green',
  refunded: 'grape',
  void: 'gray',
  applied: 'green',
  rejected: 'red',
  conflict: 'orange',
}

export function statusColor(status: string | null | undefined): MantineColor {
  return (status && STATUS_COLOR[status]) || 'gray'
}
