import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { Link } from 'react-router'
import type { LineDetail } from '../../../shared/api/lines'
import { formatMsisdn, money, when } from '../../lib/format'
import { StatusBadge } from '../../lib/StatusBadge'

export function LineHeader({ d }: { d: LineDetail }) {
  const { line, account, plan } = d
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2} ff="monospace" data-testid="detail-msisdn">
              {formatMsisdn(line.msisdn)}
            </Title>
            <StatusBadge status={line.status} size="lg" data-testid="detail-status" />
            {line.tags && line.tags.split(',').map((t) => <Badge key={t} variant="outline" color="gray">{t}</Badge>)}
          </Group>
          <Text size="sm">
            <Anchor component={Link} to={`/subscribers?q=${encodeURIComponent(account.id)}`}>
              {account.name}
            </Anchor>{' '}
            · account <Text span ff="monospace">{account.id}</Text> · {account.type}
          </Text>
        </Stack>
        <Group gap="xl" wrap="wrap">
          <Fact label="Plan" value={`${plan.name} · ${money(plan.monthlyCents)}/mo`} />
          <Fact label="Activated" value={when(line.activatedAt) || '—'} />
          <Fact label="Cycle day" value={String(line.cycleDay)} />
          <Fact label="ICCID" value={line.iccid} mono />
          <Fact label="IMEI" value={line.imei} mono />
        </Group>
      </Group>
    </Paper>
  )
}

function Fact({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined}>
        {value}
      </Text>
    </Stack>
  )
}
