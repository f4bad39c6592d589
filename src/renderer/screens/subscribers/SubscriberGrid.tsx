// The subscriber grid: AG Grid's infinite row model over `lines.list`, 100-row blocks and a bounded block cache, so the
// renderer holds a few thousand rows at most whatever the workspace size. Marks document.body for end-to-end tests:
// data-grid-state ('loading' | 'loaded' | 'error'), data-grid-row-count, data-grid-loads (blocks loaded so far).
import type { CellKeyDownEvent, GridApi, GridReadyEvent, IDatasource, IGetRowsParams, RowDoubleClickedEvent, SelectionChangedEvent } from 'ag-grid-community'
import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community'
import { AgGridReact } from 'ag-grid-react'
import { useEffect, useMemo, useRef } from 'react'
import type { LineFilter } from '../../../shared/api/lines'
import type { LineRow } from '../../../shared/domain/line'
import { api, errorMessage } from '../../api/client'
import { COLUMNS, DEFAULT_COL_DEF } from './columns'
import { gridTheme } from './grid-theme'
import { restoreLayout, saveLayout } from './layout'
import { toViewQuery, type ViewQuery } from './query'

ModuleRegistry.registerModules([AllCommunityModule])

export interface SubscriberGridProps {
  quickSearch: string
  onView: (view: ViewQuery, rowCount: number) => void
  onSelection: (rows: LineRow[]) => void
  onOpen: (row: LineRow) => void
  onReady: (api: GridApi<LineRow>) => void
  onError: (message: string | null) => void
}

const mark = (state: string, rowCount?: number) => {
  const d = document.body.dataset
  d.gridState = state
  if (rowCount != null) d.gridRowCount = String(rowCount)
  if (state === 'loaded') d.gridLoads = String(Number(d.gridLoads ?? 0) + 1)
}

export function SubscriberGrid({ quickSearch, onView, onSelection, onOpen, onReady, onError }: SubscriberGridProps) {
  const gridApi = useRef<GridApi<LineRow> | null>(null)
  const quickSearchRef = useRef(quickSearch)
  const callbacks = useRef({ onView, onError })
  callbacks.current = { onView, onError }

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(p: IGetRowsParams) {
        const view = toViewQuery(p.sortModel, p.filterModel as Record<string, LineFilter>, quickSearchRef.current)
        mark('loading')
        api.lines.list.query({ ...view, startRow: p.startRow, endRow: p.endRow }).then(
          (page) => {
            p.successCallback(page.rows, page.rowCount)
            callbacks.current.onView(view, page.rowCount)
            callbacks.current.onError(null)
            mark('loaded', page.rowCount)
          },
          (e) => {
            p.failCallback()
            callbacks.current.onError(errorMessage(e))
            mark('error')
          },
        )
      },
    }),
    [],
  )

  useEffect(() => {
    if (quickSearchRef.current === quickSearch) return
    quickSearchRef.current = quickSearch
    const g = gridApi.current
    if (!g) return
    g.deselectAll()
    g.purgeInfiniteCache()
    g.ensureIndexVisible(0, 'top')
  }, [quickSearch])

  useEffect(() => () => void delete document.body.dataset.gridState, [])

  const ready = (e: GridReadyEvent<LineRow>) => {
    gridApi.current = e.api
    restoreLayout(e.api)
    onReady(e.api)
  }
  const persist = (e: { api: GridApi; finished?: boolean; source?: string }) => {
    if (e.finished === false || e.source === 'api' || e.source === 'gridInitializing') return
    saveLayout(e.api)
  }
  const keyDown = (e: CellKeyDownEvent<LineRow>) => {
    if ((e.event as KeyboardEvent | undefined)?.key === 'Enter' && e.data) onOpen(e.data)
  }

  return (
    <div style={{ flex: 1, minHeight: 0 }} data-testid="subscriber-grid">
      <AgGridReact<LineRow>
        theme={gridTheme}
        columnDefs={COLUMNS}
        defaultColDef={DEFAULT_COL_DEF}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={100}
        maxBlocksInCache={30}
        cacheOverflowSize={2}
        maxConcurrentDatasourceRequests={2}
        infiniteInitialRowCount={100}
        blockLoadDebounceMillis={40}
        getRowId={(p) => String(p.data.id)}
        rowSelection={{ mode: 'multiRow', headerCheckbox: false, checkboxes: true, enableClickSelection: false }}
        selectionColumnDef={{ pinned: 'left', width: 44 }}
        onGridReady={ready}
        onColumnMoved={persist}
        onColumnResized={persist}
        onColumnVisible={persist}
        onColumnPinned={persist}
        onSortChanged={(e) => persist({ api: e.api, source: e.source })}
        onFilterChanged={(e) => e.api.deselectAll()}
        onSelectionChanged={(e: SelectionChangedEvent<LineRow>) => onSelection(e.api.getSelectedRows())}
        onRowDoubleClicked={(e: RowDoubleClickedEvent<LineRow>) => e.data && onOpen(e.data)}
        onCellKeyDown={keyDown}
        suppressCellFocus={false}
        animateRows={false}
      />
    </div>
  )
}
