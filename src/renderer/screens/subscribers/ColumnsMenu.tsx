// Show/hide columns (AG Grid's column chooser is enterprise-only) and reset the remembered layout.
import { Button, Checkbox, Divider, Popover, ScrollArea, Stack } from '@mantine/core'
import { IconColumns } from '@tabler/icons-react'
import type { GridApi } from 'ag-grid-community'
import { useState } from 'react'
import type { LineRow } from '../../../shared/domain/line'
import { COLUMNS } from './columns'
import { resetLayout, saveLayout } from './layout'

export function ColumnsMenu({ gridApi }: { gridApi: GridApi<LineRow> | null }) {
  const [, rerender] = useState(0)
  const visible = (colId: string) => gridApi?.getColumn(colId)?.isVisible() ?? false
  return (
    <Popover position="bottom-end" shadow="md" width={220} onOpen={() => rerender((n) => n + 1)}>
      <Popover.Target>
        <Button variant="default" size="sm" leftSection={<IconColumns size={16} />} disabled={!gridApi}>
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <ScrollArea.Autosize mah={360} type="auto">
          <Stack gap={6}>
            {COLUMNS.map((c) => (
              <Checkbox
                key={c.colId}
                size="xs"
                label={c.headerName}
                checked={visible(c.colId)}
                onChange={(e) => {
                  if (!gridApi) return
                  gridApi.setColumnsVisible([c.colId], e.currentTarget.checked)
                  saveLayout(gridApi)
                  rerender((n) => n + 1)
                }}
              />
            ))}
          </Stack>
        </ScrollArea.Autosize>
        <Divider my="xs" />
        <Button
          size="compact-sm"
          variant="subtle"
          fullWidth
          onClick={() => {
            if (!gridApi) return
            resetLayout(gridApi)
            rerender((n) => n + 1)
          }}
        >
          Reset layout
        </Button>
      </Popover.Dropdown>
    </Popover>
  )
}
