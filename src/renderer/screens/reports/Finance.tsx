// Month-end finance export: revenue by state and category, tax liability by state, reconciled with the invoices.
import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import { useEffect, useMemo, useState } from 'react'
import type { FinanceReport } from '../../../shared/api/reports'
import { api, errorMessage } from '../../api/client'
import { money } from '../../lib/format'
import { download } from './shared'

function lastMonths(asOf: string, n: number): string[] {
  const [y, m] = asOf.split('-').map(Number)
  return Array.from({ length: n }, (_, i) => {
    const t = y * 12 + (m - 1) - i
    return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`
  })
}

export function Finance({ asOf }: { asOf: string | null }) {
  const months = useMemo(() => (asOf ? lastMonths(asOf, 24) : []), [asOf])
  const [month, setMonth] = useState<string | null>(null)
  const [report, setReport] = useState<FinanceReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!month && months.length > 1) setMonth(months[1])
  }, [months, month])
  useEffect(() => {
    if (!month) return
    setReport(null)
    api.reports.finance.query({ month }).then(setReport, (e) => setError(errorMessage(e)))
  }, [month])
  const byState = useMemo(() => {
    const m = new Map<string, { revenue: number; tax: number }>()
    for (const r of report?.rows ?? []) {
      if (r.section === 'reconciliation') continue
      const v = m.get(r.state) ?? { revenue: 0, tax: 0 }
      if (r.section === 'tax') v.tax += r.amountCents
      else v.revenue += r.amountCents
      m.set(r.state, v)
    }
    return [...m].sort((a, b) => b[1].revenue - a[1].revenue)
  }, [report])
  const exportAs = (format: 'csv' | 'xlsx') => month && download(api.reports.exportFinance.mutate({ month, format })).catch((e) => setError(errorMessage(e)))
  return (
    <Stack p="md" gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end">
          <Title order={4}>Month-end finance</Title>
          <Select size="xs" label="Invoice period" w={140} data={months} value={month} onChange={setMonth} allowDeselect={false} data-testid="finance-month" />
        </Group>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconDownload size={14} />} onClick={() => exportAs('xlsx')} disabled={!report} data-testid="finance-xlsx">
            Export XLSX
          </Button>
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={() => exportAs('csv')} disabled={!report}>
            Export CSV
          </Button>
        </Group>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {report && (
        <>
          <SimpleGrid cols={4}>
            {[
              ['Revenue (ex. tax)', money(report.revenueCents)],
              ['Tax liability', money(report.taxCents)],
              ['Credits', money(report.creditsCents)],
              ['Invoices', report.invoiceCount.toLocaleString('en-US')],
            ].map(([label, v]) => (
              <Paper key={label} withBorder p="sm">
                <Text size="xs" c="dimmed">{label}</Text>
                <Text fw={700} size="lg">{v}</Text>
              </Paper>
            ))}
          </SimpleGrid>
          <Group>
            <Badge color={report.reconciled ? 'green' : 'red'} size="lg" data-testid="finance-reconciled">
              {report.reconciled ? 'Reconciled with the invoices' : 'Does not reconcile'}
            </Badge>
            <Text size="sm" c="dimmed">
              Items {money(report.revenueCents + report.taxCents)} = invoice totals {money(report.invoiceTotalCents)}
            </Text>
          </Group>
          <Table striped withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>State</Table.Th>
                <Table.Th ta="right">Revenue</Table.Th>
                <Table.Th ta="right">Tax</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {byState.map(([state, v]) => (
                <Table.Tr key={state}>
                  <Table.Td>{state}</Table.Td>
                  <Table.Td ta="right">{money(v.revenue)}</Table.Td>
                  <Table.Td ta="right">{money(v.tax)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  )
}
