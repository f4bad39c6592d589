// Every batch run from the console (commits, rollbacks, drafts): who, when, the sentence and command, the counts, and
// the live status of its ops (pending → applied | rejected | conflict, as the sync engine reports them). Open a batch
// to see its ops with reasons; roll a committed batch back through a previewed compensating batch.
import { Alert, Badge, Button, Drawer, Group, Loader, Modal, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconArrowBackUp, IconEye, IconHistory, IconSearch, IconTerminal2 } from '@tabler/icons-react'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { BatchSummary, CommitResult, OpStatus, PreviewResult } from '../../../shared/api/console'
import { OP_STATUSES, ROLES } from '../../../shared/domain/console'
import { api, errorMessage, onEvent } from '../../api/client'
import { count, formatMsisdn, money, statusColor, when } from '../../lib/format'
import { useNavigate } from 'react-router'
import { openDraftInConsole } from '../console/handoff'
import { PreviewPanel } from '../console/PreviewPanel'
import { RoleSwitcher } from '../console/session'

const KIND_COLOR: Record<string, string> = { commit: 'indigo', rollback: 'grape', draft: 'gray' }
const OP_COLOR: Record<OpStatus, string> = { pending: 'blue', applied: 'green', rejected: 'red', conflict: 'orange', discarded: 'gray' }

function OpCounts({ b }: { b: BatchSummary }) {
  if (b.kind === 'draft') return <Text size="xs" c="dimmed">draft: no ops</Text>
  if (b.opsTotal === 0) return <Text size="xs" c="dimmed">no ops</Text>
  return (
    <Group gap={4}>
      {OP_STATUSES.filter((s) => b.ops[s] > 0).map((s) => (
        <Badge key={s} size="sm" variant="light" color={OP_COLOR[s]} style={{ overflow: 'visible' }}>
          {s} {count(b.ops[s])}
        </Badge>
      ))}
    </Group>
  )
}

function BatchDrawer({ batchId, onClose, onRollback }: { batchId: string | null; onClose: () => void; onRollback: (id: string) => void }) {
  const [status, setStatus] = useState<OpStatus | null>(null)
  const [limit, setLimit] = useState(200)
  const q = useQuery({
    queryKey: ['console.batch', batchId, status, limit],
    queryFn: () => api.console.batch.query({ batchId: batchId!, status: status ?? undefined, startRow: 0, endRow: limit }),
    enabled: !!batchId,
    placeholderData: keepPreviousData,
  })
  const d = q.data
  return (
    <Drawer opened={!!batchId} onClose={onClose} position="right" size="xl" title={<Title order={4}>Batch</Title>}>
      {q.isLoading && <Loader />}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {d && (
        <Stack gap="sm" data-testid="batch-detail">
          <Group gap="xs">
            <Badge color={KIND_COLOR[d.batch.kind]}>{d.batch.kind}</Badge>
            <Text size="sm" ff="monospace">
              {d.batch.id}
            </Text>
          </Group>
          <Text size="sm">
            {d.batch.actorName} ({d.batch.role}) · {when(d.batch.createdAt)} · parsed by {d.batch.parser}
          </Text>
          {d.batch.sentence && <Text size="sm">“{d.batch.sentence}”</Text>}
          <Text size="sm" ff="monospace">
            {d.batch.canonical}
          </Text>
          <Text size="sm">
            matched {count(d.batch.matched)}, blocked {count(d.batch.blocked)} · MRR {money(d.batch.mrrDeltaCents)}/mo · proration {money(d.batch.prorationCents)} · credits{' '}
            {money(d.batch.creditsCents)}
          </Text>
          {d.batch.rollbackOf && <Text size="sm">Rolls back {d.batch.rollbackOf}</Text>}
          {d.batch.rolledBackBy && <Text size="sm">Rolled back by {d.batch.rolledBackBy}</Text>}
          <OpCounts b={d.batch} />
          {d.batch.kind !== 'draft' && (
            <Group>
              <Select
                size="xs"
                aria-label="Op status"
                placeholder="Any status"
                clearable
                data={OP_STATUSES.map((s) => ({ value: s, label: s }))}
                value={status}
                onChange={(v) => setStatus(v as OpStatus | null)}
              />
              <Button size="xs" variant="light" color="grape" leftSection={<IconArrowBackUp size={14} />} onClick={() => onRollback(d.batch.id)} disabled={!!d.batch.rolledBackBy}>
                Roll back
              </Button>
            </Group>
          )}
          {d.ops.length > 0 && (
            <Table striped withTableBorder data-testid="batch-ops">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Base v.</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.ops.map((o) => (
                  <Table.Tr key={o.seq}>
                    <Table.Td>{o.seq}</Table.Td>
                    <Table.Td>{o.msisdn ? formatMsisdn(o.msisdn) : o.lineId}</Table.Td>
                    <Table.Td>
                      <Tooltip label={JSON.stringify(o.params)}>
                        <Text size="sm">{o.action}</Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>{o.baseVersion}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={OP_COLOR[o.status] ?? statusColor(o.status)}>
                        {o.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{o.reason ?? ''}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {d.opCount > d.ops.length && (
            <Button variant="subtle" size="xs" onClick={() => setLimit((l) => l + 500)}>
              Show more ({count(d.ops.length)} of {count(d.opCount)})
            </Button>
          )}
        </Stack>
      )}
    </Drawer>
  )
}

export default function HistoryScreen() {
  const qc = useQueryClient()
  const navigate = useNavigate()
  const [text, setText] = useState('')
  const [kind, setKind] = useState<string | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [actor, setActor] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const [rollback, setRollback] = useState<{ batchId: string; preview: PreviewResult | null; error: string | null } | null>(null)
  const [done, setDone] = useState<CommitResult | null>(null)

  const q = useQuery({
    queryKey: ['console.history', text, kind, status, actor],
    queryFn: () =>
      api.console.history.query({
        text,
        kind: (kind ?? undefined) as 'commit' | undefined,
        status: (status ?? undefined) as OpStatus | undefined,
        actor: actor ?? undefined,
        limit: 200,
      }),
    placeholderData: keepPreviousData,
  })

  // op statuses move as the sync engine reports back
  useEffect(
    () =>
      onEvent((e) => {
        if (e.type === 'data-changed' && e.tables.some((t) => t === 'operations' || t === 'op_batches')) {
          void qc.invalidateQueries({ queryKey: ['console.history'] })
          void qc.invalidateQueries({ queryKey: ['console.batch'] })
        }
      }),
    [qc],
  )

  const startRollback = async (batchId: string) => {
    setOpen(null)
    setDone(null)
    setRollback({ batchId, preview: null, error: null })
    try {
      setRollback({ batchId, preview: await api.console.rollbackPreview.mutate({ batchId }), error: null })
    } catch (e) {
      setRollback({ batchId, preview: null, error: errorMessage(e) })
    }
  }

  const batches = q.data?.batches ?? []
  return (
    <Stack p="md" gap="md" maw={1500} data-testid="history-screen">
      <Group justify="space-between">
        <Group gap="xs">
          <IconHistory size={22} />
          <Title order={3}>History</Title>
        </Group>
        <RoleSwitcher />
      </Group>
      <Group gap="xs" align="flex-end">
        <TextInput
          leftSection={<IconSearch size={14} />}
          label="Search"
          placeholder="sentence, command, batch id…"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={320}
          data-testid="history-search"
        />
        <Select label="Kind" placeholder="any" clearable data={['commit', 'rollback', 'draft']} value={kind} onChange={setKind} w={140} />
        <Select label="Has ops" placeholder="any status" clearable data={[...OP_STATUSES]} value={status} onChange={setStatus} w={160} />
        <Select label="By role" placeholder="anyone" clearable data={[...ROLES]} value={actor} onChange={setActor} w={150} />
        <Text size="sm" c="dimmed">
          {q.data ? `${count(q.data.total)} batches` : ''}
        </Text>
      </Group>
      {done && (
        <Alert color="green" title={done.kind === 'draft' ? 'Draft saved' : 'Rollback committed'} withCloseButton onClose={() => setDone(null)}>
          {done.message} ({done.batchId})
        </Alert>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.isSuccess && batches.length === 0 && (
        <Text c="dimmed" size="sm">
          No batches yet. Commits, rollbacks and drafts from the console show up here.
        </Text>
      )}
      {batches.length > 0 && (
        <Table striped highlightOnHover withTableBorder data-testid="history-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Command</Table.Th>
              <Table.Th ta="right">Matched</Table.Th>
              <Table.Th ta="right">Blocked</Table.Th>
              <Table.Th>Ops</Table.Th>
              <Table.Th ta="right">MRR / mo</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {batches.map((b) => (
              <Table.Tr key={b.id} data-batch-id={b.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{when(b.createdAt)}</Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge color={KIND_COLOR[b.kind]} variant="light" style={{ overflow: 'visible' }}>
                    {b.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{b.actorName}</Text>
                  <Text size="xs" c="dimmed">
                    {b.role}
                  </Text>
                </Table.Td>
                <Table.Td maw={480}>
                  <Text size="sm" lineClamp={1} title={b.sentence}>
                    {b.sentence || b.canonical}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" lineClamp={1} title={b.canonical}>
                    {b.canonical}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{count(b.matched)}</Table.Td>
                <Table.Td ta="right">{count(b.blocked)}</Table.Td>
                <Table.Td miw={150}>
                  <OpCounts b={b} />
                  {b.rolledBackBy && (
                    <Text size="xs" c="grape">
                      rolled back
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">{money(b.mrrDeltaCents)}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="subtle" leftSection={<IconEye size={14} />} onClick={() => setOpen(b.id)} aria-label={`Open batch ${b.id}`}>
                      Open
                    </Button>
                    {b.kind === 'draft' && !b.rollbackOf && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        leftSection={<IconTerminal2 size={14} />}
                        onClick={() => {
                          openDraftInConsole({ sentence: b.sentence, canonical: b.canonical, batchId: b.id })
                          navigate('/console')
                        }}
                        aria-label={`Open draft ${b.id} in the console`}
                        data-testid="open-draft"
                      >
                        Open in console
                      </Button>
                    )}
                    {b.kind !== 'draft' && !b.rolledBackBy && b.opsTotal > 0 && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="grape"
                        leftSection={<IconArrowBackUp size={14} />}
                        onClick={() => void startRollback(b.id)}
                        aria-label={`Roll back batch ${b.id}`}
                        data-testid="rollback"
                      >
                        Roll back
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <BatchDrawer batchId={open} onClose={() => setOpen(null)} onRollback={(id) => void startRollback(id)} />

      <Modal opened={!!rollback} onClose={() => setRollback(null)} size="90%" title={<Title order={4}>Roll back {rollback?.batchId}</Title>}>
        {rollback && !rollback.preview && !rollback.error && <Loader />}
        {rollback?.error && <Alert color="red">{rollback.error}</Alert>}
        {rollback?.preview && (
          <PreviewPanel
            preview={rollback.preview}
            onDone={(r) => {
              setRollback(null)
              setDone(r)
              void qc.invalidateQueries({ queryKey: ['console.history'] })
            }}
            onStale={() => void startRollback(rollback.batchId)}
          />
        )}
      </Modal>
    </Stack>
  )
}
