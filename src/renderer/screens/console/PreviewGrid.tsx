// The lines of a preview (affected, blocked, or one blocked reason) in AG Grid's infinite row model over
// `console.previewRows`, in the subscriber grid's row shape. A preview of a million lines is paged, never loaded whole.
import type { ColDef, IDatasource, IGetRowsParams } from 'ag-grid-community'
import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community'
import { AgGridReact } from 'ag-grid-react'
import { useMemo } from 'react'
import type { PreviewRow } from '../../../shared/api/console'
import { api, errorMessage } from '../../api/client'
import { dataSize, formatMsisdn, money } from '../../lib/format'
import { gridTheme } from '../subscribers/grid-theme'

ModuleRegistry.registerModules([AllCommunityModule])

const COLUMNS: ColDef<PreviewRow>[] = [
  { field: 'msisdn', headerName: 'MSISDN', width: 150, valueFormatter: (p) => (p.value ? formatMsisdn(p.value as string) : '') },
  { field: 'blockedLabel', headerName: 'Blocked because', width: 260, hide: false },
  { field: 'accountId', headerName: 'Account', width: 120 },
  { field: 'accountName', headerName: 'Name', width: 180 },
  { field: 'planCode', headerName: 'Plan', width: 110 },
  { field: 'status', headerName: 'Status', width: 110 },
  { field: 'addons', headerName: 'Add-ons', width: 130 },
  { field: 'tags', headerName: 'Tags', width: 130 },
  { field: 'state', headerName: 'State', width: 70 },
  { field: 'dataUsedMb', headerName: 'Used', width: 100, valueFormatter: (p) => dataSize(p.value as number) },
  { field: 'planChangesMonth', headerName: 'Plan changes', width: 110 },
  { field: 'failedPayments', headerName: 'Failed pay.', width: 100 },
  { field: 'pastDueCents', headerName: 'Past due', width: 110, valueFormatter: (p) => money(p.value as number) },
  { field: 'walletCents', headerName: 'Wallet', width: 100, valueFormatter: (p) => money(p.value as number) },
  { field: 'rowVersion', headerName: 'Version', width: 90 },
]

export function PreviewGrid({ previewId, which, height = 360 }: { previewId: string; which: string; height?: number }) {
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(p: IGetRowsParams) {
        api.console.previewRows.query({ previewId, which, startRow: p.startRow, endRow: p.endRow }).then(
          (page) => p.successCallback(page.rows, page.rowCount),
          (e) => {
            console.error(errorMessage(e))
            p.failCallback()
          },
        )
      },
    }),
    [previewId, which],
  )
  const columns = useMemo(() => COLUMNS.map((c) => (c.field === 'blockedLabel' ? { ...c, hide: which === 'affected' } : c)), [which])
  return (
    <div style={{ height }} data-testid="preview-grid">
      <AgGridReact<PreviewRow>
        key={`${previewId}:${which}`}
        theme={gridTheme}
        columnDefs={columns}
        defaultColDef={{ sortable: false, resizable: true }}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={100}
        maxBlocksInCache={20}
        getRowId={(p) => String(p.data.id)}
        animateRows={false}
      />
    </div>
  )
}
