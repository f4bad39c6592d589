// Subscribers: the grid operators live in. Quick search, row count, column chooser, CSV export of the whole filtered
// view (streamed by the core), and hand-off of the selected lines to the console.
import { Alert, Button, CloseButton, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconDownload, IconSearch, IconTerminal2 } from '@tabler/icons-react'
import type { GridApi } from 'ag-grid-community'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import type { LineRow } from '../../../shared/domain/line'
import { errorMessage, exportLinesCsv } from '../../api/client'
import { count } from '../../lib/format'
import { useRegisterActions, type PaletteAction } from '../../shell/actions'
import { useShellStatus } from '../../shell/workspace-status'
import { setSelection } from '../../state/selection'
import { ColumnsMenu } from './ColumnsMenu'
import { describeView, type ViewQuery } from './query'
import { SubscriberGrid } from './SubscriberGrid'

export default function SubscribersScreen() {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const q = params.get('q')
  const [search, setSearch] = useState(q ?? '')
  useEffect(() => {
    if (q != null) setSearch(q) // the palette opens accounts as #/subscribers?q=<account id>
  }, [q])
  const [quickSearch] = useDebouncedValue(search, 200)
  const [gridApi, setGridApi] = useState<GridApi<LineRow> | null>(null)
  const [view, setView] = useState<{ query: ViewQuery; rowCount: number } | null>(null)
  const viewRef = useRef(view)
  viewRef.current = view
  const [selected, setSelected] = useState<LineRow[]>([])
  const [error, setError] = useState<string | null>(null)
  const total = useShellStatus().workspace?.lines ?? 0

  const exportView = useCallback(() => {
    const q = viewRef.current?.query
    if (!q) return
    exportLinesCsv(q).then(
      () => notifications.show({ message: `Exporting ${count(viewRef.current?.rowCount ?? 0)} lines as CSV` }),
      (e) => notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(e) }),
    )
  }, [])

  const sendToConsole = useCallback(() => {
    const d = viewRef.current ? describeView(viewRef.current.query) : ''
    setSelection({ lineIds: selected.map((r) => r.id), label: `${count(selected.length)} lines picked in Subscribers${d ? ` (${d})` : ''}` })
    navigate('/console')
  }, [selected, navigate])

  const actions = useMemo<PaletteAction[]>(
    () => [
      { id: 'subscribers:export', label: 'Export current view as CSV', description: 'Every line matching the filters, not only the loaded rows', group: 'Actions', keywords: ['csv', 'download'], run: exportView },
      { id: 'subscribers:clear-filters', label: 'Clear grid filters and search', group: 'Actions', keywords: ['reset', 'filter'], run: () => (gridApi?.setFilterModel(null), setSearch('')) },
      ...(selected.length
        ? [{ id: 'subscribers:send', label: `Send ${count(selected.length)} selected lines to the console`, group: 'Actions', keywords: ['console', 'selection'], run: sendToConsole }]
        : []),
    ],
    [exportView, gridApi, selected.length, sendToConsole],
  )
  useRegisterActions(actions)

  return (
    <Stack gap={0} h="100%" data-testid="subscribers-screen">
      <Group px="md" py="xs" gap="sm" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <TextInput
          w={340}
          placeholder="Quick search: phone, ICCID, account, name, email"
          leftSection={<IconSearch size={16} />}
          rightSection={search ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setSearch('')} /> : null}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && setSearch('')}
          data-quick-search
          data-testid="quick-search"
        />
        <Text size="sm" c="dimmed" data-testid="row-count" style={{ whiteSpace: 'nowrap' }}>
          {view ? `${count(view.rowCount)} of ${count(total)} lines` : 'loading…'}
        </Text>
        <Group gap="xs" ml="auto" wrap="nowrap">
          {selected.length > 0 && (
            <Button size="sm" leftSection={<IconTerminal2 size={16} />} onClick={sendToConsole} data-testid="send-to-console">
              Send {count(selected.length)} {selected.length === 1 ? 'line' : 'lines'} to console
            </Button>
          )}
          <ColumnsMenu gridApi={gridApi} />
          <Tooltip label="All lines matching the filters and search, streamed">
            <Button variant="default" size="sm" leftSection={<IconDownload size={16} />} onClick={exportView} disabled={!view} data-testid="export-csv">
              Export CSV
            </Button>
          </Tooltip>
        </Group>
      </Group>
      {error && (
        <Alert color="red" m="xs" title="The grid could not load" withCloseButton onClose={() => setError(null)} data-testid="grid-error">
          {error}
        </Alert>
      )}
      <SubscriberGrid
        quickSearch={quickSearch}
        onView={(query, rowCount) => setView({ query, rowCount })}
        onSelection={setSelected}
        onOpen={(row) => navigate(`/lines/${encodeURIComponent(row.msisdn)}`)}
        onReady={setGridApi}
        onError={setError}
      />
    </Stack>
  )
}
