import { Anchor, Badge, Divider, Group, Stack, Table, Text } from '@mantine/core'
import { Link } from 'react-router'
import type { LineDetail } from '../../../shared/api/lines'
import { formatMsisdn, money } from '../../lib/format'
import { StatusBadge } from '../../lib/StatusBadge'
import { Section } from './Section'

export function AccountPanel({ d }: { d: LineDetail }) {
  const a = d.account
  return (
    <Section title="Account" extra={`since ${a.createdAt.slice(0, 10)}`} testId="detail-account">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          {a.name}
        </Text>
        <Text size="sm">{a.email}</Text>
        <Text size="sm" c="dimmed">
          {a.street}, {a.city}, {a.state} {a.zip}
        </Text>
        <Group gap="xs">
          <Badge variant="default">{a.type}</Badge>
          <Badge color={a.pastDueCents > 0 ? 'red' : 'green'} variant="light">
            {a.pastDueCents > 0 ? `${money(a.pastDueCents)} past due · ${a.daysPastDue} days` : 'paid up'}
          </Badge>
          {a.failedPayments > 0 && (
            <Badge color="orange" variant="light">
              {a.failedPayments} failed payments in a row
            </Badge>
          )}
          <Badge variant="default">
            wallet {money(a.walletCents)}
          </Badge>
        </Group>
        <Divider my={4} label={`${d.otherLines.length} other ${d.otherLines.length === 1 ? 'line' : 'lines'} on this account`} labelPosition="left" />
        {d.otherLines.length > 0 && (
          <Table verticalSpacing={2} fz="sm">
            <Table.Tbody>
              {d.otherLines.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/lines/${encodeURIComponent(l.msisdn)}`} ff="monospace" size="sm" data-testid="other-line">
                      {formatMsisdn(l.msisdn)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{l.planCode}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={l.status} size="xs" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Section>
  )
}

export function PlanPanel({ d }: { d: LineDetail }) {
  return (
    <Section title="Plan and add-ons" testId="detail-plan">
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {d.plan.name}
          </Text>
          <Text size="sm">{money(d.plan.monthlyCents)}/mo</Text>
        </Group>
        <Text size="xs" c="dimmed">
          {d.plan.code} · {d.plan.dataMb == null ? 'unlimited data' : `${Math.round(d.plan.dataMb / 1024)} GB bucket`}
          {d.line.planChangesMonth > 0 ? ` · ${d.line.planChangesMonth} plan change(s) this month` : ''}
        </Text>
        <Divider my={4} />
        {d.addons.length === 0 ? (
          <Text size="sm" c="dimmed">
            No add-ons.
          </Text>
        ) : (
          d.addons.map((a) => (
            <Group key={a.code} justify="space-between">
              <Text size="sm">{a.name}</Text>
              <Text size="sm" c="dimmed">
                {money(a.priceCents)}
                {a.recurring ? '/mo' : ' once'}
              </Text>
            </Group>
          ))
        )}
      </Stack>
    </Section>
  )
}
