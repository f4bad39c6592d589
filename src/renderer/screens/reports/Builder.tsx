// The report builder: pick a dataset, drag fields into dimensions, measures and filters (or use a field's menu), set
// sort, limit and chart; the report compiles on the core through the whitelist and runs as you edit. Saved reports
// can be opened, saved, renamed, duplicated and deleted; every run shows the SQL it used.
import { DndContext, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core'
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import {
  ActionIcon, Alert, Badge, Button, Group, Menu, Modal, NavLink, NumberInput, Paper, ScrollArea, SegmentedControl, Select, Stack, Text, TextInput, Title,
} from '@mantine/core'
import { IconCopy, IconDeviceFloppy, IconDownload, IconGripVertical, IconPencil, IconPlayerPlay, IconPlus, IconTrash, IconX } from '@tabler/icons-react'
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { DatasetField, DatasetInfo, ExportFormat, ReportDataset, ReportResult, ReportSpecInput, SavedReport } from '../../../shared/api/reports'
import { AGGREGATIONS, CHART_TYPES, REPORT_DATASETS, TIME_GRAINS } from '../../../shared/domain/report-spec'
import { api, errorMessage } from '../../api/client'
import { ReportChart } from './ReportChart'
import { download, ResultGrid, SqlBlock } from './shared'
import { defaultDimension, defaultFilter, defaultMeasure, filterText, OP_LABEL, OPS_BY_TYPE, outputKeys, parseFilterText } from './spec-edit'

type Zone = 'dimensions' | 'measures' | 'filters'
const ZONES: Zone[] = ['dimensions', 'measures', 'filters']

const emptySpec = (dataset: ReportDataset = 'lines'): ReportSpecInput => ({ dataset, dimensions: [], measures: [{ agg: 'count' }], filters: [], sort: [], limit: 1000, chart: 'bar' })

function FieldChip({ field, onAdd }: { field: DatasetField; onAdd: (zone: Zone) => void }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: `field:${field.name}` })
  return (
    <Group
      ref={setNodeRef}
      gap={4}
      wrap="nowrap"
      px={6}
      py={2}
      style={{ transform: CSS.Translate.toString(transform), opacity: isDragging ? 0.5 : 1, border: '1px solid var(--mantine-color-default-border)', borderRadius: 6, background: 'var(--mantine-color-body)', cursor: 'grab', zIndex: isDragging ? 10 : undefined }}
      data-testid={`field-${field.name}`}
    >
      <span {...listeners} {...attributes} style={{ display: 'flex', flex: 1, alignItems: 'center', gap: 4, minWidth: 0 }}>
        <IconGripVertical size={12} style={{ flexShrink: 0 }} />
        <Text size="xs" truncate>
          {field.label}
        </Text>
        <Text size="10px" c="dimmed">
          {field.type}
        </Text>
      </span>
      <Menu position="right-start" withinPortal>
        <Menu.Target>
          <ActionIcon size="xs" variant="subtle" aria-label={`Add ${field.label}`} data-testid={`add-${field.name}`}>
            <IconPlus size={12} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => onAdd('dimensions')}>Add as dimension</Menu.Item>
          <Menu.Item onClick={() => onAdd('measures')} disabled={field.aggs.length === 0}>
            Add as measure
          </Menu.Item>
          <Menu.Item onClick={() => onAdd('filters')}>Add as filter</Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  )
}

function DropZone({ zone, title, children, ids }: { zone: Zone; title: string; children: ReactNode; ids: string[] }) {
  const { setNodeRef, isOver } = useDroppable({ id: zone })
  return (
    <Paper ref={setNodeRef} withBorder p="xs" data-testid={`zone-${zone}`} style={{ minHeight: 64, background: isOver ? 'var(--mantine-color-indigo-light)' : undefined }}>
      <Text size="xs" fw={600} c="dimmed" mb={4}>
        {title}
      </Text>
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <Stack gap={4}>{children}</Stack>
      </SortableContext>
      {ids.length === 0 && (
        <Text size="xs" c="dimmed">
          Drop fields here
        </Text>
      )}
    </Paper>
  )
}

function ZoneItem({ id, children, onRemove }: { id: string; children: ReactNode; onRemove: () => void }) {
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id })
  return (
    <Group ref={setNodeRef} gap={4} wrap="nowrap" style={{ transform: CSS.Transform.toString(transform), transition }} data-testid={`item-${id}`}>
      <ActionIcon size="sm" variant="subtle" {...listeners} {...attributes} aria-label="Reorder">
        <IconGripVertical size={14} />
      </ActionIcon>
      <Group gap={4} wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
        {children}
      </Group>
      <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemove} aria-label="Remove">
        <IconX size={14} />
      </ActionIcon>
    </Group>
  )
}

function NameModal({ title, initial, onClose, onSubmit }: { title: string; initial: string; onClose: () => void; onSubmit: (name: string) => Promise<void> }) {
  const [name, setName] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  return (
    <Modal opened onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          onSubmit(name.trim()).then(onClose, (err) => setError(errorMessage(err)))
        }}
      >
        <TextInput label="Report name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus error={error} data-testid="report-name-input" />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!name.trim()} data-testid="report-name-submit">
            OK
          </Button>
        </Group>
      </form>
    </Modal>
  )
}

export function Builder() {
  const [datasets, setDatasets] = useState<DatasetInfo[]>([])
  const [saved, setSaved] = useState<SavedReport[]>([])
  const [current, setCurrent] = useState<string | null>(null)
  const [spec, setSpec] = useState<ReportSpecInput>(emptySpec())
  const [result, setResult] = useState<ReportResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  const [modal, setModal] = useState<null | 'save' | 'rename' | 'duplicate'>(null)
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }))

  const refreshSaved = useCallback(() => api.reports.list.query().then(setSaved, (e) => setError(errorMessage(e))), [])
  useEffect(() => {
    api.reports.datasets.query().then(setDatasets, (e) => setError(errorMessage(e)))
    refreshSaved()
  }, [refreshSaved])

  const ds = datasets.find((d) => d.name === spec.dataset)
  const fieldOf = (name: string | undefined) => ds?.fields.find((f) => f.name === name)

  const run = useCallback((s: ReportSpecInput) => {
    if ((s.dimensions?.length ?? 0) + (s.measures?.length ?? 0) === 0) {
      setResult(null)
      return
    }
    setRunning(true)
    api.reports.run
      .query({ spec: s as never })
      .then(
        (r) => {
          setResult(r)
          setError(null)
          document.body.dataset.reportState = 'loaded'
        },
        (e) => {
          setError(errorMessage(e))
          document.body.dataset.reportState = 'error'
        },
      )
      .finally(() => setRunning(false))
  }, [])

  // run as the report is edited (debounced)
  useEffect(() => {
    document.body.dataset.reportState = 'loading'
    const t = setTimeout(() => run(spec), 350)
    return () => clearTimeout(t)
  }, [spec, run])

  const update = (patch: Partial<ReportSpecInput>) => setSpec((s) => {
    const next = { ...s, ...patch }
    const keys = new Set(outputKeys(next))
    return { ...next, sort: (next.sort ?? []).filter((x) => keys.has(x.key)) }
  })

  const addField = (zone: Zone, f: DatasetField) => {
    if (zone === 'dimensions') update({ dimensions: [...(spec.dimensions ?? []), defaultDimension(f)] })
    else if (zone === 'measures') update({ measures: [...(spec.measures ?? []), defaultMeasure(f)] })
    else update({ filters: [...(spec.filters ?? []), defaultFilter(f)] })
  }

  const onDragEnd = (e: DragEndEvent) => {
    const active = String(e.active.id)
    const over = e.over ? String(e.over.id) : null
    if (!over) return
    const zoneOf = (id: string): Zone | null => (ZONES.includes(id as Zone) ? (id as Zone) : (id.split(':')[0] as Zone))
    if (active.startsWith('field:')) {
      const f = fieldOf(active.slice(6))
      const zone = zoneOf(over)
      if (f && zone && ZONES.includes(zone)) addField(zone, f)
      return
    }
    const [zone, from] = active.split(':') as [Zone, string]
    const [overZone, to] = over.split(':') as [Zone, string | undefined]
    if (zone !== overZone || to === undefined) return
    const list = [...((spec[zone] as unknown[]) ?? [])]
    update({ [zone]: arrayMove(list, Number(from), Number(to)) } as Partial<ReportSpecInput>)
  }

  const open = (r: SavedReport) => {
    setCurrent(r.name)
    setSpec(r.spec)
  }

  const exportAs = (format: ExportFormat) =>
    download(api.reports.exportReport.mutate({ report: current && !dirty ? { name: current } : { spec: { ...spec, title: spec.title ?? current ?? undefined } as never }, format })).catch((e) =>
      setError(errorMessage(e)),
    )

  const savedSpec = saved.find((s) => s.name === current)?.spec
  const dirty = !!current && JSON.stringify(savedSpec) !== JSON.stringify({ ...savedSpec, ...spec })

  const keys = useMemo(() => outputKeys(spec), [spec])
  const sort = spec.sort?.[0]

  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd}>
    <Group align="flex-start" gap="md" wrap="nowrap" p="md">
      <Stack w={260} gap="xs" style={{ flexShrink: 0 }}>
        <Group justify="space-between">
          <Title order={6}>Saved reports</Title>
          <Button size="compact-xs" variant="light" leftSection={<IconPlus size={12} />} onClick={() => { setCurrent(null); setSpec(emptySpec(spec.dataset)) }}>
            New
          </Button>
        </Group>
        <ScrollArea.Autosize mah={200}>
          {saved.length === 0 && <Text size="xs" c="dimmed">No saved reports yet.</Text>}
          {saved.map((r) => (
            <NavLink key={r.id} label={r.name} description={`${r.spec.dataset} · ${r.spec.chart}`} active={r.name === current} onClick={() => open(r)} data-testid={`saved-${r.name}`} />
          ))}
        </ScrollArea.Autosize>
        <Select
          label="Dataset"
          data={REPORT_DATASETS.map((d) => ({ value: d, label: datasets.find((x) => x.name === d)?.label ?? d }))}
          value={spec.dataset}
          allowDeselect={false}
          onChange={(v) => v && setSpec(emptySpec(v as ReportDataset))}
          data-testid="dataset-select"
        />
        {ds && <Text size="xs" c="dimmed">{ds.description}</Text>}
        <Text size="xs" fw={600} c="dimmed">
          Fields — drag into the report, or use +
        </Text>
        <ScrollArea.Autosize mah="calc(100vh - 420px)" type="auto">
          <Stack gap={4} pr="xs" data-testid="field-list">
            {ds?.fields.map((f) => <FieldChip key={f.name} field={f} onAdd={(z) => addField(z, f)} />)}
          </Stack>
        </ScrollArea.Autosize>
      </Stack>
        <Stack style={{ flex: 1, minWidth: 0 }} gap="sm">
          <Group justify="space-between">
            <Group gap="xs">
              <Title order={4}>{current ?? 'New report'}</Title>
              {dirty && <Badge color="yellow" variant="light">edited</Badge>}
              {running && <Badge variant="light">running…</Badge>}
              {result && !running && <Text size="xs" c="dimmed" data-testid="report-rowcount">{result.rows.length.toLocaleString('en-US')} rows · {Math.round(result.elapsedMs)} ms</Text>}
            </Group>
            <Group gap="xs">
              <Button size="xs" leftSection={<IconPlayerPlay size={14} />} variant="default" onClick={() => run(spec)} data-testid="report-run">
                Run
              </Button>
              <Button
                size="xs"
                leftSection={<IconDeviceFloppy size={14} />}
                onClick={() => (current ? api.reports.save.mutate({ name: current, spec: spec as never, overwrite: true }).then(refreshSaved, (e) => setError(errorMessage(e))) : setModal('save'))}
                data-testid="report-save"
              >
                Save
              </Button>
              <Button size="xs" variant="default" onClick={() => setModal('save')}>
                Save as…
              </Button>
              <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} disabled={!current} onClick={() => setModal('rename')}>
                Rename
              </Button>
              <Button size="xs" variant="default" leftSection={<IconCopy size={14} />} disabled={!current} onClick={() => setModal('duplicate')}>
                Duplicate
              </Button>
              <Button
                size="xs"
                color="red"
                variant="light"
                leftSection={<IconTrash size={14} />}
                disabled={!current}
                onClick={() => current && api.reports.remove.mutate({ name: current }).then(() => { setCurrent(null); refreshSaved() }, (e) => setError(errorMessage(e)))}
              >
                Delete
              </Button>
              <Menu>
                <Menu.Target>
                  <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} data-testid="report-export">
                    Export
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => exportAs('csv')}>CSV</Menu.Item>
                  <Menu.Item onClick={() => exportAs('xlsx')}>Excel (XLSX)</Menu.Item>
                  <Menu.Item onClick={() => exportAs('pdf')}>PDF with chart</Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
          <Group grow align="flex-start" gap="xs">
            <DropZone zone="dimensions" title="Dimensions (group by)" ids={(spec.dimensions ?? []).map((_, i) => `dimensions:${i}`)}>
              {(spec.dimensions ?? []).map((d, i) => {
                const f = fieldOf(d.field)
                return (
                  <ZoneItem key={`dimensions:${i}`} id={`dimensions:${i}`} onRemove={() => update({ dimensions: spec.dimensions!.filter((_, j) => j !== i) })}>
                    <Text size="xs" truncate>{f?.label ?? d.field}</Text>
                    {f?.type === 'date' && (
                      <Select size="xs" w={90} data={['', ...TIME_GRAINS].map((g) => ({ value: g, label: g || 'exact' }))} value={d.grain ?? ''}
                        onChange={(g) => update({ dimensions: spec.dimensions!.map((x, j) => (j === i ? { field: x.field, grain: (g || undefined) as never } : x)) })} />
                    )}
                  </ZoneItem>
                )
              })}
            </DropZone>
            <DropZone zone="measures" title="Measures" ids={(spec.measures ?? []).map((_, i) => `measures:${i}`)}>
              {(spec.measures ?? []).map((m, i) => {
                const f = fieldOf(m.field)
                const aggs = f ? ['count', ...f.aggs] : ['count']
                return (
                  <ZoneItem key={`measures:${i}`} id={`measures:${i}`} onRemove={() => update({ measures: spec.measures!.filter((_, j) => j !== i) })}>
                    <Select size="xs" w={120} data={AGGREGATIONS.filter((a) => aggs.includes(a)).map((a) => ({ value: a, label: a.replace('_', ' ') }))} value={m.agg}
                      onChange={(a) => a && update({ measures: spec.measures!.map((x, j) => (j === i ? { ...x, agg: a as never } : x)) })} />
                    <Text size="xs" truncate>{f?.label ?? 'rows'}</Text>
                  </ZoneItem>
                )
              })}
              <Button size="compact-xs" variant="subtle" onClick={() => update({ measures: [...(spec.measures ?? []), { agg: 'count' }] })} disabled={keys.includes('count')}>
                + count of rows
              </Button>
            </DropZone>
            <DropZone zone="filters" title="Filters (all must hold)" ids={(spec.filters ?? []).map((_, i) => `filters:${i}`)}>
              {(spec.filters ?? []).map((flt, i) => {
                const f = fieldOf(flt.field)
                const type = f?.type ?? 'string'
                const set = (nf: typeof flt) => update({ filters: spec.filters!.map((x, j) => (j === i ? nf : x)) })
                return (
                  <ZoneItem key={`filters:${i}`} id={`filters:${i}`} onRemove={() => update({ filters: spec.filters!.filter((_, j) => j !== i) })}>
                    <Text size="xs" truncate maw={90}>{f?.label ?? flt.field}</Text>
                    <Select size="xs" w={110} data={OPS_BY_TYPE[type].map((o) => ({ value: o, label: OP_LABEL[o] }))} value={flt.op}
                      onChange={(o) => o && set({ ...parseFilterText(filterText(flt, type), { ...flt, op: o as never }, type) })} />
                    {flt.op !== 'is_null' && flt.op !== 'not_null' && (
                      <TextInput size="xs" style={{ flex: 1 }} placeholder={flt.op === 'in' || flt.op === 'between' ? 'a, b' : type === 'date' && flt.op !== 'last_days' ? 'YYYY-MM-DD' : ''}
                        defaultValue={filterText(flt, type)} key={`${flt.field}:${flt.op}`} onBlur={(e) => set(parseFilterText(e.currentTarget.value, flt, type))}
                        onKeyDown={(e) => e.key === 'Enter' && set(parseFilterText(e.currentTarget.value, flt, type))} data-testid={`filter-value-${i}`} />
                    )}
                  </ZoneItem>
                )
              })}
            </DropZone>
          </Group>
          <Group gap="sm" align="flex-end">
            <Select size="xs" label="Sort by" w={200} clearable data={keys} value={sort?.key ?? null} onChange={(k) => update({ sort: k ? [{ key: k, dir: sort?.dir ?? 'desc' }] : [] })} />
            <SegmentedControl size="xs" data={['asc', 'desc']} value={sort?.dir ?? 'desc'} disabled={!sort} onChange={(d) => sort && update({ sort: [{ key: sort.key, dir: d as 'asc' | 'desc' }] })} />
            <NumberInput size="xs" label="Limit" w={110} min={1} max={100000} value={spec.limit ?? 1000} onChange={(v) => typeof v === 'number' && v >= 1 && update({ limit: Math.min(100000, Math.floor(v)) })} />
            <SegmentedControl size="xs" data={CHART_TYPES.map((c) => ({ value: c, label: c }))} value={spec.chart ?? 'table'} onChange={(c) => update({ chart: c as never })} data-testid="chart-type" />
          </Group>
          {error && (
            <Alert color="red" title="The report did not run" withCloseButton onClose={() => setError(null)} data-testid="report-error">
              {error}
            </Alert>
          )}
          {result && (
            <>
              <ReportChart chart={spec.chart ?? 'table'} columns={result.columns} rows={result.rows} />
              <ResultGrid columns={result.columns} rows={result.rows} testId="report-grid" />
              <SqlBlock sql={result.sql} params={result.params} note={`as of ${result.asOf ?? 'n/a'}${result.via ? ' · answered from a rollup (rebuilt when the data changes)' : ''}`} />
              {result.via && <Text size="xs" c="dimmed" ff="monospace">{result.via}</Text>}
            </>
          )}
        </Stack>
      {modal && (
        <NameModal
          title={modal === 'save' ? 'Save report as' : modal === 'rename' ? 'Rename report' : 'Duplicate report'}
          initial={modal === 'duplicate' ? `${current} (copy)` : modal === 'rename' ? (current ?? '') : (current ?? '')}
          onClose={() => setModal(null)}
          onSubmit={async (name) => {
            const r =
              modal === 'save'
                ? await api.reports.save.mutate({ name, spec: spec as never })
                : modal === 'rename'
                  ? await api.reports.rename.mutate({ name: current!, newName: name })
                  : await api.reports.duplicate.mutate({ name: current!, newName: name })
            setCurrent(r.name)
            await refreshSaved()
          }}
        />
      )}
    </Group>
    </DndContext>
  )
}
