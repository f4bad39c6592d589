// Pieces the report screens share: the results grid, file downloads, the SQL block and cell formatting.
import { Code, Group, ScrollArea, Text } from '@mantine/core'
import { AllCommunityModule, ModuleRegistry, type ColDef } from 'ag-grid-community'
import { AgGridReact } from 'ag-grid-react'
import { useMemo } from 'react'
import type { Cell, ExportFile, FieldType } from '../../../shared/api/reports'
import { saveFile } from '../../api/client'
import { money } from '../../lib/format'
import { gridTheme } from '../subscribers/grid-theme'

ModuleRegistry.registerModules([AllCommunityModule])

export interface GridColumn {
  key: string
  label: string
  type: FieldType
}

export function formatCell(v: Cell | undefined, type: FieldType): string {
  if (v === null || v === undefined) return ''
  if (type === 'money' && typeof v === 'number') return money(v)
  if (typeof v === 'number' && type === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: 2 })
  return String(v)
}

export function ResultGrid({ columns, rows, height = 360, testId }: { columns: GridColumn[]; rows: Array<Record<string, Cell>>; height?: number; testId?: string }) {
  const colDefs = useMemo<ColDef[]>(
    () =>
      columns.map((c) => ({
        colId: c.key,
        field: c.key,
        headerName: c.type === 'money' ? `${c.label} ($)` : c.label,
        type: c.type === 'number' || c.type === 'money' ? 'numericColumn' : undefined,
        valueFormatter: (p) => formatCell(p.value as Cell, c.type),
        sortable: true,
        resizable: true,
        filter: true,
      })),
    [columns],
  )
  return (
    <div style={{ height }} data-testid={testId}>
      <AgGridReact theme={gridTheme} columnDefs={colDefs} rowData={rows} defaultColDef={{ flex: 1, minWidth: 110 }} suppressFieldDotNotation />
    </div>
  )
}

export async function download(file: Promise<ExportFile>): Promise<void> {
  const f = await file
  await saveFile(f.filename, f.base64, f.mime)
}

export function SqlBlock({ sql, params, note }: { sql: string; params?: Array<string | number>; note?: string }) {
  return (
    <div>
      <Group justify="space-between" mb={4}>
        <Text size="xs" c="dimmed">
          SQL this report ran{note ? ` · ${note}` : ''}
        </Text>
        {params && params.length > 0 && (
          <Text size="xs" c="dimmed" ff="monospace">
            params {JSON.stringify(params)}
          </Text>
        )}
      </Group>
      <ScrollArea.Autosize mah={180}>
        <Code block data-testid="report-sql">
          {sql}
        </Code>
      </ScrollArea.Autosize>
    </div>
  )
}
