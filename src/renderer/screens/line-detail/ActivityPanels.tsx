// Care interactions, and the line's history (line events and console operations) as one timeline, newest first.
import { Badge, Button, Group, ScrollArea, Stack, Text, Timeline } from '@mantine/core'
import { IconBolt, IconTerminal2 } from '@tabler/icons-react'
import { useState } from 'react'
import type { LineDetail } from '../../../shared/api/lines'
import { when } from '../../lib/format'
import { StatusBadge } from '../../lib/StatusBadge'
import { Section } from './Section'

export function Care({ d }: { d: LineDetail }) {
  return (
    <Section title="Care interactions" extra={`${d.care.length}`} testId="detail-care">
      {d.care.length === 0 ? (
        <Text size="sm" c="dimmed">
          No care interactions.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Stack gap="xs">
            {d.care.map((c) => (
              <Stack key={c.id} gap={0}>
                <Group gap="xs">
                  <Text size="xs" c="dimmed">
                    {when(c.createdAt)}
                  </Text>
                  <Badge size="xs" variant="default">
                    {c.channel}
                  </Badge>
                  <Badge size="xs" variant="light">
                    {c.category.replace(/_/g, ' ')}
                  </Badge>
                </Group>
                <Text size="sm">{c.summary}</Text>
                <Text size="xs" c="dimmed">
                  {c.agent}
                </Text>
              </Stack>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Section>
  )
}

interface Entry {
  key: string
  at: string
  title: string
  body: string
  by: string
  status: string | null
  op: boolean
}

function entries(d: LineDetail): Entry[] {
  const events = d.events.map<Entry>((e) => ({
    key: `e${e.id}`,
    at: e.at,
    title: e.kind.replace(/_/g, ' '),
    body: [e.detail, e.reason && `reason: ${e.reason}`].filter(Boolean).join(' · '),
    by: e.actor,
    status: null,
    op: false,
  }))
  const ops = d.operations.map<Entry>((o) => ({
    key: `o${o.seq}`,
    at: o.createdAt,
    title: `console: ${o.action.replace(/_/g, ' ')}`,
    body: [o.params !== '{}' ? o.params : '', o.reason && `reason: ${o.reason}`].filter(Boolean).join(' · '),
    by: `batch ${o.batchId.slice(0, 8)}`,
    status: o.status,
    op: true,
  }))
  return [...events, ...ops].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
}

const FIRST = 12

export function LineHistory({ d }: { d: LineDetail }) {
  const [all, setAll] = useState(false)
  const list = entries(d)
  const shown = all ? list : list.slice(0, FIRST)
  return (
    <Section title="Line history" extra={`${list.length} ${list.length === 1 ? 'event' : 'events'}`} testId="detail-history">
      {list.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing has happened to this line yet.
        </Text>
      ) : (
        <>
          <Timeline bulletSize={22} lineWidth={2}>
            {shown.map((e) => (
              <Timeline.Item
                key={e.key}
                bullet={e.op ? <IconTerminal2 size={12} /> : <IconBolt size={12} />}
                title={
                  <Group gap="xs">
                    <Text size="sm" fw={600} tt="capitalize">
                      {e.title}
                    </Text>
                    {e.status && (
                      <StatusBadge status={e.status} size="xs" />
                    )}
                  </Group>
                }
              >
                {e.body && <Text size="sm">{e.body}</Text>}
                <Text size="xs" c="dimmed">
                  {when(e.at)} · {e.by}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
          {list.length > FIRST && (
            <Button variant="subtle" size="compact-sm" mt="xs" onClick={() => setAll(!all)}>
              {all ? 'Show fewer' : `Show all ${list.length}`}
            </Button>
          )}
        </>
      )}
    </Section>
  )
}
