// What a preview shows: the counts, the blocked reasons (each opens its lines in the grid), the money, the warnings,
// the lines themselves, and the commit (or save-draft) action with a confirmation. Used by the console and by the
// history's rollback.
import { Alert, Badge, Button, Card, Group, Modal, SegmentedControl, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconDeviceFloppy, IconMessageCircle, IconSend } from '@tabler/icons-react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { CommitResult, PreviewResult } from '../../../shared/api/console'
import { api, errorCode, errorMessage } from '../../api/client'
import { count, money } from '../../lib/format'
import { PreviewGrid } from './PreviewGrid'

function Stat({ label, value, color, testId }: { label: string; value: string; color?: string; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} data-testid={testId}>
        {value}
      </Text>
    </Card>
  )
}

const signed = (cents: number) => `${cents > 0 ? '+' : ''}${money(cents)}`

export interface PreviewPanelProps {
  preview: PreviewResult
  /** called after a commit or a draft */
  onDone: (r: CommitResult) => void
  /** the preview went stale: the caller previews again */
  onStale: () => void
}

export function PreviewPanel({ preview: p, onDone, onStale }: PreviewPanelProps) {
  const qc = useQueryClient()
  const [which, setWhich] = useState('affected')
  const [confirm, setConfirm] = useState<null | 'commit' | 'draft'>(null)
  const [error, setError] = useState<{ code: string | null; message: string } | null>(null)
  const run = useMutation({
    // the commit names the canonical text this panel showed: an LLM reading commits only so (issue 11, attack 6)
    mutationFn: (kind: 'commit' | 'draft') =>
      kind === 'commit' ? api.console.commit.mutate({ previewId: p.previewId, canonical: p.canonical }) : api.console.saveDraft.mutate({ previewId: p.previewId }),
    onSuccess: (r) => {
      setConfirm(null)
      setError(null)
      void qc.invalidateQueries({ queryKey: ['console.history'] })
      onDone(r)
    },
    onError: (e) => {
      setConfirm(null)
      setError({ code: errorCode(e), message: errorMessage(e) })
    },
  })
  const work = p.affected + p.discards
  const views = [
    { value: 'affected', label: `Affected (${count(p.affected)})` },
    ...(p.blocked > 0 ? [{ value: 'blocked', label: `Blocked (${count(p.blocked)})` }] : []),
    ...p.blockedReasons.map((r) => ({ value: r.code, label: `${r.label} (${count(r.count)})` })),
  ]

  return (
    <Stack gap="sm" data-testid="preview-panel" data-preview-id={p.previewId}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4}>{p.kind === 'rollback' ? 'Rollback preview' : 'Preview'}</Title>
          <Text size="sm" c="dimmed">
            {p.scopeText} · as of {p.asOf} · {p.elapsedMs} ms
          </Text>
        </div>
        <Group gap="xs">
          {p.canCommit && (
            <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => setConfirm('draft')} data-testid="save-draft">
              Save draft
            </Button>
          )}
          {p.canCommit ? (
            <Button leftSection={<IconSend size={16} />} onClick={() => setConfirm('commit')} disabled={work === 0} data-testid="commit">
              {p.kind === 'rollback' && p.affected === 0 && p.discards > 0
                ? `Discard ${count(p.discards)} never-sent ops`
                : `Commit ${count(p.affected)} ${p.kind === 'rollback' ? 'compensating ops' : 'lines'}`}
            </Button>
          ) : (
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => setConfirm('draft')} data-testid="save-draft">
              Save draft
            </Button>
          )}
        </Group>
      </Group>

      <Alert color={p.parser === 'llm' ? 'grape' : 'indigo'} variant="light" icon={<IconMessageCircle size={18} />} title="What will run" data-testid="preview-read-back-box">
        <Stack gap={2}>
          <Text size="lg" fw={600} data-testid="preview-read-back">
            {p.readBack}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {p.canonical}
            {p.parser === 'llm' ? ' · read by the LLM: check it before you commit' : ''}
          </Text>
        </Stack>
      </Alert>

      <SimpleGrid cols={{ base: 2, md: p.discards > 0 ? 4 : 3 }}>
        <Stat label="Matched" value={count(p.matched)} testId="preview-matched" />
        <Stat label={p.kind === 'rollback' ? 'Compensating ops' : 'Will change'} value={count(p.affected)} color="indigo" testId="preview-affected" />
        <Stat label="Blocked" value={count(p.blocked)} color={p.blocked ? 'orange' : undefined} testId="preview-blocked" />
        {p.discards > 0 && <Stat label="Never sent: discarded" value={count(p.discards)} />}
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Stat label="Monthly recurring revenue" value={`${signed(p.money.mrrDeltaCents)} / mo`} testId="preview-mrr" />
        <Stat label="Proration, rest of the cycle" value={signed(p.money.prorationCents)} testId="preview-proration" />
        {p.money.oneTimeCents ? (
          <Stat label="One-time charges" value={money(p.money.oneTimeCents)} testId="preview-one-time" />
        ) : (
          <Stat label={p.money.creditsCents < 0 ? 'Wallet debits (credits reversed)' : 'Wallet credits'} value={money(p.money.creditsCents)} testId="preview-credits" />
        )}
      </SimpleGrid>

      {p.warnings.map((w) => (
        <Alert key={w} color="yellow" icon={<IconAlertTriangle size={16} />} p="xs">
          {w}
        </Alert>
      ))}
      {error && (
        <Alert color="red" title={error.code === 'STALE_PREVIEW' ? 'The preview is out of date' : 'Not committed'} data-testid="commit-error">
          <Stack gap="xs">
            <Text size="sm">{error.message}</Text>
            {error.code === 'STALE_PREVIEW' && (
              <Group>
                <Button size="xs" onClick={onStale}>
                  Preview again
                </Button>
              </Group>
            )}
          </Stack>
        </Alert>
      )}

      {p.blockedReasons.length > 0 && (
        <Table withTableBorder striped data-testid="blocked-reasons" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Blocked because</Table.Th>
              <Table.Th ta="right">Lines</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.blockedReasons.map((r) => (
              <Table.Tr key={r.code}>
                <Table.Td>
                  <UnstyledButton onClick={() => setWhich(r.code)} aria-label={`Show the lines blocked because ${r.label}`}>
                    <Text size="sm" td="underline">
                      {r.label}
                    </Text>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td ta="right">{count(r.count)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {p.matched > 0 && (
        <>
          <SegmentedControl size="xs" value={which} onChange={setWhich} data={views} aria-label="Which lines" />
          <PreviewGrid previewId={p.previewId} which={which} />
        </>
      )}

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title={confirm === 'commit' ? 'Commit this batch?' : 'Save as a draft?'} centered>
        <Stack>
          <Text size="sm" fw={600}>
            {p.readBack}
          </Text>
          <Text size="xs" ff="monospace" c="dimmed">
            {p.canonical}
          </Text>
          {confirm === 'commit' ? (
            <Text size="sm">
              {count(p.affected)} operation{p.affected === 1 ? '' : 's'} go into the outbox{p.discards ? `, ${count(p.discards)} never-sent ones are discarded` : ''}. They stay
              <Badge mx={4} color="blue" variant="light">
                pending
              </Badge>
              until the sync engine pushes them to the carrier and the central ledger. {count(p.blocked)} blocked lines are left out.
            </Text>
          ) : (
            <Text size="sm">The draft is recorded with the sentence, the command and the counts. Nothing goes to the outbox.</Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              data-autofocus
              loading={run.isPending}
              leftSection={<IconCheck size={16} />}
              onClick={() => confirm && run.mutate(confirm)}
              data-testid="confirm-commit"
            >
              {confirm === 'commit' ? 'Commit' : 'Save draft'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
