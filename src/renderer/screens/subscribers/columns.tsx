// The subscriber grid's columns: which filter each one gets, how values are shown, and the unit conversions between
// what a person types into a number filter (dollars, GB) and what the store keeps (cents, MB).
import type { ColDef, ICellRendererParams } from 'ag-grid-community'
import type { LineColumn } from '../../../shared/api/lines'
import type { LineRow } from '../../../shared/domain/line'
import { dataSize, formatMsisdn, money } from '../../lib/format'
import { StatusBadge } from '../../lib/StatusBadge'
import { SetFilter } from './SetFilter'

type Col = ColDef<LineRow> & { colId: LineColumn }

const text = { filter: 'agTextColumnFilter', filterParams: { maxNumConditions: 2 } } as const
// Identifiers default to "starts with": an index range at any size, where "contains" must scan a million values.
const prefix = { filter: 'agTextColumnFilter', filterParams: { maxNumConditions: 2, defaultOption: 'startsWith' } } as const
// The core treats "in range" as inclusive at both ends; say so to the grid.
const number = { filter: 'agNumberColumnFilter', filterParams: { maxNumConditions: 2, inRangeInclusive: true }, type: 'rightAligned' } as const
const date = { filter: 'agDateColumnFilter', filterParams: { maxNumConditions: 2, inRangeInclusive: true } } as const
const set = { filter: SetFilter } as const

function StatusCell({ value }: ICellRendererParams<LineRow, string>) {
  return value ? <StatusBadge status={value} size="sm" /> : null
}

export const COLUMNS: Col[] = [
  { colId: 'msisdn', field: 'msisdn', headerName: 'MSISDN', width: 150, pinned: 'left', valueFormatter: (p) => (p.value ? formatMsisdn(p.value) : ''), cellClass: 'mono', ...prefix },
  { colId: 'accountName', field: 'accountName', headerName: 'Name', width: 180, ...prefix },
  { colId: 'status', field: 'status', headerName: 'Status', width: 135, cellRenderer: StatusCell, ...set },
  { colId: 'planCode', field: 'planCode', headerName: 'Plan', width: 120, ...set },
  { colId: 'addons', field: 'addons', headerName: 'Add-ons', width: 150, ...set },
  { colId: 'dataUsedMb', field: 'dataUsedMb', headerName: 'Data used', headerTooltip: 'Data used this cycle (filter in GB)', width: 120, valueFormatter: (p) => dataSize(p.value), ...number },
  { colId: 'accountId', field: 'accountId', headerName: 'Account', width: 120, cellClass: 'mono', ...prefix },
  { colId: 'accountType', field: 'accountType', headerName: 'Type', width: 110, ...set },
  { colId: 'email', field: 'email', headerName: 'Email', width: 220, ...prefix },
  { colId: 'state', field: 'state', headerName: 'State', width: 90, ...set },
  { colId: 'zip', field: 'zip', headerName: 'ZIP', width: 90, cellClass: 'mono', ...prefix },
  { colId: 'activatedAt', field: 'activatedAt', headerName: 'Activated', width: 130, valueFormatter: (p) => p.value?.slice(0, 10) ?? '', ...date },
  { colId: 'cycleDay', field: 'cycleDay', headerName: 'Cycle day', width: 110, ...number },
  { colId: 'failedPayments', field: 'failedPayments', headerName: 'Failed pmts', width: 120, ...number },
  { colId: 'pastDueCents', field: 'pastDueCents', headerName: 'Past due ($)', width: 120, valueFormatter: (p) => money(p.value), ...number },
  { colId: 'daysPastDue', field: 'daysPastDue', headerName: 'Days past due', width: 130, ...number },
  { colId: 'walletCents', field: 'walletCents', headerName: 'Wallet ($)', width: 110, valueFormatter: (p) => money(p.value), ...number },
  { colId: 'tags', field: 'tags', headerName: 'Tags', width: 150, ...text },
  { colId: 'iccid', field: 'iccid', headerName: 'ICCID', width: 200, hide: true, cellClass: 'mono', ...prefix },
  { colId: 'imei', field: 'imei', headerName: 'IMEI', width: 170, hide: true, cellClass: 'mono', ...prefix },
  { colId: 'updatedAt', field: 'updatedAt', headerName: 'Updated', width: 150, hide: true, valueFormatter: (p) => p.value?.slice(0, 16).replace('T', ' ') ?? '', ...date },
]

export const DEFAULT_COL_DEF: ColDef<LineRow> = {
  sortable: true,
  resizable: true,
  filter: true,
  suppressHeaderMenuButton: false,
}
