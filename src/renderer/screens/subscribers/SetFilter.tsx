// A set filter for the infinite row model (AG Grid's own set filter is enterprise-only): the column's distinct values
// come from `lines.distinct`; the model `{ filterType: 'set', values }` passes straight through to `lines.list`.
import { Button, Checkbox, Group, Loader, ScrollArea, Stack, Text, TextInput } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import type { CustomFilterProps } from 'ag-grid-react'
import { useGridFilter } from 'ag-grid-react'
import { useCallback, useState } from 'react'
import type { LineColumn } from '../../../shared/api/lines'
import { api, errorMessage } from '../../api/client'

export interface SetFilterModel {
  filterType: 'set'
  values: string[]
}

export function SetFilter({ model, onModelChange, colDef }: CustomFilterProps<unknown, unknown, SetFilterModel>) {
  const colId = (colDef.colId ?? colDef.field) as LineColumn
  const [search, setSearch] = useState('')
  const { data, error, isLoading } = useQuery({ queryKey: ['lines.distinct', colId], queryFn: () => api.lines.distinct.query({ colId }), staleTime: 60_000 })
  // filtering runs in the core (infinite row model); the grid never asks this, but the hook wants an answer
  const doesFilterPass = useCallback(() => true, [])
  useGridFilter({ doesFilterPass })

  const selected = new Set(model?.values ?? [])
  const shown = (data ?? []).filter((v) => v.toLowerCase().includes(search.trim().toLowerCase()))
  const apply = (next: Set<string>) => onModelChange(next.size ? { filterType: 'set', values: [...next].sort() } : null)
  const toggle = (v: string) => {
    const next = new Set(selected)
    if (next.has(v)) next.delete(v)
    else next.add(v)
    apply(next)
  }

  return (
    <Stack gap={6} p="xs" w={240} data-testid={`set-filter-${colId}`}>
      {(data?.length ?? 0) > 8 && <TextInput size="xs" placeholder="Search values" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />}
      {isLoading && <Loader size="xs" />}
      {error && (
        <Text size="xs" c="red">
          {errorMessage(error)}
        </Text>
      )}
      <ScrollArea.Autosize mah={260} type="auto">
        <Stack gap={4}>
          {shown.map((v) => (
            <Checkbox key={v} size="xs" label={v || '(blank)'} checked={selected.has(v)} onChange={() => toggle(v)} data-value={v} />
          ))}
        </Stack>
      </ScrollArea.Autosize>
      <Group justify="space-between" gap={4}>
        <Text size="xs" c="dimmed">
          {selected.size ? `${selected.size} selected` : 'any value'}
        </Text>
        <Button size="compact-xs" variant="subtle" disabled={!selected.size} onClick={() => apply(new Set())}>
          Clear
        </Button>
      </Group>
    </Stack>
  )
}
