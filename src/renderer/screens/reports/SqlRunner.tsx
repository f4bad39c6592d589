// The SQL runner: one read-only statement at a time against the workspace (a separate read-only connection in the
// core, writes refused before they run), with a time limit, a cancel button, a row cap that still reports the true
// count, a schema browser and exports.
import { Accordion, Alert, Badge, Button, Group, NumberInput, ScrollArea, Stack, Text, Textarea, Title, Tooltip } from '@mantine/core'
import { IconDownload, IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { SchemaTable, SqlResult } from '../../../shared/api/reports'
import { api, errorMessage } from '../../api/client'
import { download, ResultGrid } from './shared'

const EXAMPLE = `SELECT plan_code, status, count(*) AS lines, sum(data_used_mb) AS data_mb
FROM lines
GROUP BY plan_code, status
ORDER BY lines DESC`

function SchemaBrowser({ onPick }: { onPick: (text: string) => void }) {
  const [tables, setTables] = useState<SchemaTable[]>([])
  useEffect(() => {
    api.reports.schema.query().then(setTables, () => setTables([]))
  }, [])
  return (
    <ScrollArea h="calc(100vh - 200px)" type="auto" data-testid="schema-browser">
      <Accordion multiple variant="contained" chevronPosition="left">
        {tables.map((t) => (
          <Accordion.Item key={t.name} value={t.name}>
            <Accordion.Control>
              <Group gap={6} justify="space-between" wrap="nowrap">
                <Text size="sm" ff="monospace" onDoubleClick={() => onPick(t.name)}>
                  {t.name}
                </Text>
                {t.type === 'view' && <Badge size="xs">view</Badge>}
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap={2}>
                {t.columns.map((c) => (
                  <Group key={c.name} gap={6} wrap="nowrap" style={{ cursor: 'pointer' }} onClick={() => onPick(c.name)}>
                    <Text size="xs" ff="monospace" fw={c.pk ? 700 : 400}>
                      {c.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {c.type.toLowerCase()}
                      {c.notNull ? '' : ' · null'}
                    </Text>
                  </Group>
                ))}
                {t.indexes.length > 0 && (
                  <Text size="xs" c="dimmed" mt={4}>
                    Indexes
                  </Text>
                )}
                {t.indexes.map((i) => (
                  <Tooltip key={i.name} label={i.name}>
                    <Text size="xs" ff="monospace" c="indigo">
                      {i.unique ? 'unique ' : ''}({i.columns.join(', ')})
                    </Text>
                  </Tooltip>
                ))}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </ScrollArea>
  )
}

export function SqlRunner() {
  const [sql, setSql] = useState(EXAMPLE)
  const [maxRows, setMaxRows] = useState(10_000)
  const [timeoutS, setTimeoutS] = useState(30)
  const [result, setResult] = useState<SqlResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [runId, setRunId] = useState<string | null>(null)
  const area = useRef<HTMLTextAreaElement>(null)

  const run = () => {
    const id = `run-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
    setRunId(id)
    setError(null)
    document.body.dataset.sqlState = 'running'
    api.reports.sqlRun
      .mutate({ sql, maxRows, timeoutMs: timeoutS * 1000, runId: id })
      .then(
        (r) => {
          setResult(r)
          document.body.dataset.sqlState = 'done'
        },
        (e) => {
          setError(errorMessage(e))
          document.body.dataset.sqlState = 'error'
        },
      )
      .finally(() => setRunId(null))
  }

  const cancel = () => runId && api.reports.sqlCancel.mutate({ runId })

  const insert = (text: string) => {
    const el = area.current
    if (!el) return setSql((s) => s + text)
    const { selectionStart: a, selectionEnd: b } = el
    setSql((s) => s.slice(0, a) + text + s.slice(b))
  }

  const columns = useMemo(() => (result ? result.columns.map((c, i) => ({ key: `c${i}`, label: c.name, type: 'string' as const })) : []), [result])
  const rows = useMemo(() => (result ? result.rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v]))) : []), [result])

  return (
    <Group align="flex-start" wrap="nowrap" p="md" gap="md">
      <Stack w={280} gap="xs" style={{ flexShrink: 0 }}>
        <Title order={6}>Schema</Title>
        <Text size="xs" c="dimmed">
          Click a column (double-click a table) to insert its name.
        </Text>
        <SchemaBrowser onPick={insert} />
      </Stack>
      <Stack style={{ flex: 1, minWidth: 0 }} gap="sm">
        <Textarea
          ref={area}
          value={sql}
          onChange={(e) => setSql(e.currentTarget.value)}
          autosize
          minRows={6}
          maxRows={16}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault()
              if (!runId) run()
            }
          }}
          data-testid="sql-editor"
          aria-label="SQL"
        />
        <Group justify="space-between">
          <Group gap="xs">
            <Button size="xs" leftSection={<IconPlayerPlay size={14} />} onClick={run} loading={!!runId} data-testid="sql-run">
              Run (Ctrl+Enter)
            </Button>
            <Button size="xs" color="red" variant="light" leftSection={<IconPlayerStop size={14} />} onClick={cancel} disabled={!runId} data-testid="sql-cancel">
              Cancel
            </Button>
            <NumberInput size="xs" w={120} min={1} max={100000} value={maxRows} onChange={(v) => typeof v === 'number' && setMaxRows(v)} leftSection={<Text size="10px">rows</Text>} />
            <NumberInput size="xs" w={110} min={1} max={600} value={timeoutS} onChange={(v) => typeof v === 'number' && setTimeoutS(v)} rightSection={<Text size="10px">s</Text>} />
          </Group>
          <Group gap="xs">
            {(['csv', 'xlsx'] as const).map((f) => (
              <Button key={f} size="xs" variant="default" leftSection={<IconDownload size={14} />} disabled={!result}
                onClick={() => download(api.reports.exportSql.mutate({ sql, format: f, maxRows, timeoutMs: timeoutS * 1000 })).catch((e) => setError(errorMessage(e)))}>
                {f.toUpperCase()}
              </Button>
            ))}
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          Read-only: the statement runs on its own read-only connection; anything that would write is refused before it runs.
        </Text>
        {error && (
          <Alert color="red" title="Not run" data-testid="sql-error">
            {error}
          </Alert>
        )}
        {result && (
          <>
            {/* a result stopped at the byte cap says so, and what to do: its row count is of the rows read, not all */}
            <Text size="sm" data-testid="sql-summary" c={result.notice ? 'orange' : undefined} fw={result.notice ? 500 : undefined}>
              {result.notice
                ? `Showing the first ${result.rows.length.toLocaleString('en-US')} rows: ${result.notice}`
                : result.truncated
                  ? `Showing the first ${result.rows.length.toLocaleString('en-US')} of ${result.rowCount.toLocaleString('en-US')} rows (row cap ${result.maxRows.toLocaleString('en-US')})`
                  : `${result.rowCount.toLocaleString('en-US')} rows`}{' '}
              · {Math.round(result.elapsedMs)} ms
            </Text>
            <ResultGrid columns={columns} rows={rows} height={420} testId="sql-grid" />
          </>
        )}
      </Stack>
    </Group>
  )
}
