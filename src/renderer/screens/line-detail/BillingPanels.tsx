// Invoices (expandable to their items) and payments with failure codes highlighted.
import { Accordion, Group, ScrollArea, Table, Text } from '@mantine/core'
import type { LineDetail } from '../../../shared/api/lines'
import { money, when } from '../../lib/format'
import { StatusBadge } from '../../lib/StatusBadge'
import { Section } from './Section'

export function Invoices({ d }: { d: LineDetail }) {
  return (
    <Section title="Invoices" extra={`${d.invoices.length} on the account`} testId="detail-invoices">
      {d.invoices.length === 0 ? (
        <Text size="sm" c="dimmed">
          No invoices yet.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Accordion variant="contained" chevronPosition="left" multiple>
            {d.invoices.map((inv) => (
              <Accordion.Item key={inv.id} value={String(inv.id)} data-testid="invoice">
                <Accordion.Control>
                  <Group justify="space-between" wrap="nowrap" pr="xs">
                    <Text size="sm" fw={500}>
                      {inv.period}
                    </Text>
                    <Text size="xs" c="dimmed">
                      due {when(inv.dueAt)}
                    </Text>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm">{money(inv.totalCents)}</Text>
                      <StatusBadge status={inv.status} size="sm" />
                    </Group>
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Table fz="xs" verticalSpacing={2}>
                    <Table.Tbody>
                      {inv.items.map((it, i) => (
                        <Table.Tr key={i}>
                          <Table.Td>{it.description}</Table.Td>
                          <Table.Td c="dimmed">{it.kind}</Table.Td>
                          <Table.Td ta="right">{money(it.amountCents)}</Table.Td>
                        </Table.Tr>
                      ))}
                      {!inv.items.some((it) => it.kind === 'tax') && inv.taxCents > 0 && (
                        <Table.Tr>
                          <Table.Td c="dimmed">Tax</Table.Td>
                          <Table.Td />
                          <Table.Td ta="right">{money(inv.taxCents)}</Table.Td>
                        </Table.Tr>
                      )}
                    </Table.Tbody>
                  </Table>
                  <Text size="xs" c="dimmed" mt={4}>
                    Issued {when(inv.issuedAt)}
                    {inv.paidAt ? ` · paid ${when(inv.paidAt)}` : ''}
                  </Text>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        </ScrollArea.Autosize>
      )}
    </Section>
  )
}

const FAILED_ROW = { boxShadow: 'inset 3px 0 0 var(--mantine-color-red-6)' }

export function Payments({ d }: { d: LineDetail }) {
  const failed = d.payments.filter((p) => p.failureCode).length
  return (
    <Section title="Payments" extra={failed ? `${failed} failed` : `${d.payments.length}`} testId="detail-payments">
      {d.payments.length === 0 ? (
        <Text size="sm" c="dimmed">
          No payments yet.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Table fz="sm" verticalSpacing={4}>
            <Table.Tbody>
              {d.payments.map((p) => (
                <Table.Tr key={p.id} style={p.failureCode ? FAILED_ROW : undefined} data-failed={p.failureCode ? 'true' : undefined}>
                  <Table.Td>{when(p.createdAt).slice(0, 10)}</Table.Td>
                  <Table.Td ta="right">{money(p.amountCents)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={p.status} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    {p.failureCode && (
                      <Text size="xs" c="red" fw={600} title={p.failureMessage ?? undefined} truncate maw={160}>
                        {p.failureCode}
                        {p.failureMessage ? ` · ${p.failureMessage}` : ''}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Section>
  )
}
