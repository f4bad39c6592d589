// The prebuilt dashboards, all relative to the workspace's as-of date: Subscriber Growth, Churn Forecast, Revenue
// Waterfall and Bill Shock (with a hand-off of its lines to the console).
import { BarChart, CompositeChart } from '@mantine/charts'
import { Alert, Anchor, Badge, Button, Code, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconTerminal2 } from '@tabler/icons-react'
import { useEffect, useState, type ReactNode } from 'react'
import { useNavigate } from 'react-router'
import type { BillShock, ChurnForecast, DashboardFreshness, RevenueWaterfall, SubscriberGrowth } from '../../../shared/api/reports'
import { api, errorMessage } from '../../api/client'
import { count, dataSize, money } from '../../lib/format'
import { setSelection } from '../../state/selection'

/** While the server answers from a stale summary with a refresh running, ask again every few seconds. */
const STALE_POLL_MS = 2000

function useLoad<T extends { freshness?: DashboardFreshness }>(load: () => Promise<T>): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    load().then(
      (d) => {
        if (!live) return
        setData(d)
        if (d.freshness?.stale && d.freshness.refreshing) timer = setTimeout(() => setTick((n) => n + 1), STALE_POLL_MS)
      },
      (e) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [load, tick])
  return { data, error }
}

function Frame({ error, loading, freshness, children }: { error: string | null; loading: boolean; freshness?: DashboardFreshness; children: ReactNode }) {
  if (error) return <Alert color="red">{error}</Alert>
  if (loading)
    return (
      <Group p="xl" data-testid="dash-loading">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          Computing… The first view builds the dashboard summaries in the background (about 15 s at a million lines); later views read them at once.
        </Text>
      </Group>
    )
  return (
    <>
      {freshness?.stale && (
        <Alert color="yellow" data-testid="dash-stale">
          The data changed since these figures were computed: shown as of {new Date(freshness.builtAt).toLocaleString()} (data version {freshness.generation}, now{' '}
          {freshness.currentGeneration}){freshness.refreshing ? ' — refreshing…' : '.'}
          {freshness.refreshError && ` The last refresh failed: ${freshness.refreshError}`}
        </Alert>
      )}
      {children}
    </>
  )
}

const Stat = ({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) => (
  <Paper withBorder p="sm">
    <Text size="xs" c="dimmed">{label}</Text>
    <Text fw={700} size="lg">{value}</Text>
    {hint && <Text size="xs" c="dimmed">{hint}</Text>}
  </Paper>
)

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const loadGrowth = () => api.reports.subscriberGrowth.query()
const loadChurn = () => api.reports.churnForecast.query({ top: 50 })
const loadWaterfall = () => api.reports.revenueWaterfall.query()
const loadShock = () => api.reports.billShock.query({ top: 50 })

function Growth() {
  const { data, error } = useLoad<SubscriberGrowth>(loadGrowth)
  return (
    <Frame error={error} loading={!data} freshness={data?.freshness}>
      {data && (
        <Stack gap="md" data-testid="dash-growth">
          <Text size="sm" c="dimmed">Activations, disconnects and net adds by month (line events), as of {data.asOf}.</Text>
          <CompositeChart
            h={280}
            data={data.byMonth.map((m) => ({ month: m.month, Activations: m.activations, Disconnects: -m.disconnects, 'Net adds': m.netAdds }))}
            dataKey="month"
            withLegend
            series={[
              { name: 'Activations', color: 'teal.6', type: 'bar' },
              { name: 'Disconnects', color: 'red.6', type: 'bar' },
              { name: 'Net adds', color: 'indigo.7', type: 'line' },
            ]}
          />
          <Text size="sm" fw={600}>Net adds by plan</Text>
          <BarChart
            h={240}
            type="stacked"
            withLegend
            dataKey="month"
            data={data.months.map((m) => Object.fromEntries([['month', m], ...data.byMonthPlan.filter((r) => r.month === m).map((r) => [r.planCode, r.netAdds])]))}
            series={[...new Set(data.byMonthPlan.map((r) => r.planCode))].map((p, i) => ({ name: p, color: ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'lime.6', 'pink.6'][i % 7] }))}
          />
          <Table fz="sm" striped withTableBorder>
            <Table.Thead>
              <Table.Tr><Table.Th>Month</Table.Th><Table.Th ta="right">Activations</Table.Th><Table.Th ta="right">Disconnects</Table.Th><Table.Th ta="right">Net adds</Table.Th><Table.Th ta="right">Live at month end</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.byMonth.map((m) => (
                <Table.Tr key={m.month}><Table.Td>{m.month}</Table.Td><Table.Td ta="right">{count(m.activations)}</Table.Td><Table.Td ta="right">{count(m.disconnects)}</Table.Td><Table.Td ta="right">{count(m.netAdds)}</Table.Td><Table.Td ta="right">{count(m.endingActive)}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Frame>
  )
}

function Churn() {
  const { data, error } = useLoad<ChurnForecast>(loadChurn)
  const navigate = useNavigate()
  return (
    <Frame error={error} loading={!data} freshness={data?.freshness}>
      {data && (
        <Stack gap="md" data-testid="dash-churn">
          <Text size="sm" c="dimmed">
            Risk of disconnection in the next 30 days ({data.scoreMonth}), from a logistic regression trained on snapshots {data.trainMonths.join(', ')} and
            backtested on {data.backtestMonth}.
          </Text>
          <SimpleGrid cols={5}>
            <Stat label="Backtest AUC" value={data.metrics.auc.toFixed(3)} hint="0.5 = random ranking" />
            <Stat label={`Precision in top ${count(data.metrics.k)}`} value={pct(data.metrics.precisionAtK)} hint={`base rate ${pct(data.metrics.baseRate)} · rule of thumb ${pct(data.metrics.baselinePrecisionAtK)}`} />
            <Stat label="Backtest accuracy" value={pct(data.metrics.accuracy)} hint={`“nobody churns” ${pct(data.metrics.baselineAccuracy)}`} />
            <Stat label="Live lines scored" value={count(data.activeLines)} />
            <Stat label="Expected disconnects" value={count(data.expectedChurners)} hint="sum of risks" />
          </SimpleGrid>
          <Group align="flex-start" grow>
            <Table fz="xs" withTableBorder>
              <Table.Thead><Table.Tr><Table.Th>Feature</Table.Th><Table.Th ta="right">Weight (standardized)</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {data.weights.map((w) => <Table.Tr key={w.feature}><Table.Td>{w.feature}</Table.Td><Table.Td ta="right" c={w.weight > 0 ? 'red' : 'teal'}>{w.weight.toFixed(3)}</Table.Td></Table.Tr>)}
              </Table.Tbody>
            </Table>
            <BarChart h={200} data={data.riskBands.map((b) => ({ band: b.band, Lines: b.lines }))} dataKey="band" series={[{ name: 'Lines', color: 'orange.6' }]} />
          </Group>
          <Table fz="sm" striped withTableBorder highlightOnHover>
            <Table.Thead>
              <Table.Tr><Table.Th>Line</Table.Th><Table.Th>Account</Table.Th><Table.Th>Plan</Table.Th><Table.Th>Status</Table.Th><Table.Th ta="right">Risk</Table.Th><Table.Th ta="right">Failed pmts</Table.Th><Table.Th ta="right">Days past due</Table.Th><Table.Th ta="right">Care (30d)</Table.Th><Table.Th ta="right">Tenure (mo)</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.top.map((l) => (
                <Table.Tr key={l.lineId}>
                  <Table.Td><Anchor size="sm" onClick={() => navigate(`/lines/${encodeURIComponent(l.msisdn)}`)}>{l.msisdn}</Anchor></Table.Td>
                  <Table.Td>{l.accountName}</Table.Td><Table.Td>{l.planCode}</Table.Td><Table.Td>{l.status}</Table.Td>
                  <Table.Td ta="right"><Badge color={l.risk >= 0.5 ? 'red' : l.risk >= 0.2 ? 'orange' : 'gray'} variant="light">{pct(l.risk)}</Badge></Table.Td>
                  <Table.Td ta="right">{l.failedPayments}</Table.Td><Table.Td ta="right">{l.daysPastDue}</Table.Td><Table.Td ta="right">{l.careContacts}</Table.Td><Table.Td ta="right">{l.tenureMonths}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Frame>
  )
}

function Waterfall() {
  const { data, error } = useLoad<RevenueWaterfall>(loadWaterfall)
  return (
    <Frame error={error} loading={!data} freshness={data?.freshness}>
      {data && (
        <Stack gap="md" data-testid="dash-waterfall">
          <Text size="sm" c="dimmed">{data.definition}</Text>
          {data.months.length === 0 && <Alert>Not enough complete invoiced months yet (two are needed).</Alert>}
          {data.months.length > 0 && (
            <BarChart
              h={280}
              type="stacked"
              withLegend
              dataKey="month"
              valueFormatter={(v) => money(v * 100)}
              data={data.months.map((m) => ({ month: m.month, New: m.newCents / 100, Expansion: m.expansionCents / 100, Contraction: -m.contractionCents / 100, Churn: -m.churnCents / 100 }))}
              series={[{ name: 'New', color: 'teal.6' }, { name: 'Expansion', color: 'indigo.6' }, { name: 'Contraction', color: 'orange.6' }, { name: 'Churn', color: 'red.6' }]}
            />
          )}
          <Table fz="sm" striped withTableBorder>
            <Table.Thead>
              <Table.Tr><Table.Th>Month</Table.Th><Table.Th ta="right">Opening MRR</Table.Th><Table.Th ta="right">+ New</Table.Th><Table.Th ta="right">+ Expansion</Table.Th><Table.Th ta="right">− Contraction</Table.Th><Table.Th ta="right">− Churn</Table.Th><Table.Th ta="right">= Closing MRR</Table.Th><Table.Th>Check</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.months.map((m) => {
                const closes = m.openingCents + m.newCents + m.expansionCents - m.contractionCents - m.churnCents === m.closingCents
                return (
                  <Table.Tr key={m.month}>
                    <Table.Td>{m.month}</Table.Td><Table.Td ta="right">{money(m.openingCents)}</Table.Td><Table.Td ta="right">{money(m.newCents)}</Table.Td><Table.Td ta="right">{money(m.expansionCents)}</Table.Td>
                    <Table.Td ta="right">{money(m.contractionCents)}</Table.Td><Table.Td ta="right">{money(m.churnCents)}</Table.Td><Table.Td ta="right" fw={600}>{money(m.closingCents)}</Table.Td>
                    <Table.Td><Badge color={closes ? 'green' : 'red'} variant="light">{closes ? 'closes' : 'off'}</Badge></Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Frame>
  )
}

function Shock() {
  const { data, error } = useLoad<BillShock>(loadShock)
  const navigate = useNavigate()
  const toConsole = () => {
    if (!data) return
    setSelection({ lineIds: data.lineIds, label: `${count(data.lineIds.length)} lines projected to overshoot their data this cycle (Reports › Bill shock)` })
    navigate('/console')
  }
  return (
    <Frame error={error} loading={!data} freshness={data?.freshness}>
      {data && (
        <Stack gap="md" data-testid="dash-billshock">
          <Group justify="space-between">
            <Text size="sm" c="dimmed" maw={800}>{data.method}</Text>
            <Tooltip label="Hands these exact lines to the console as a selection">
              <Button size="xs" leftSection={<IconTerminal2 size={14} />} onClick={toConsole} disabled={data.lineIds.length === 0} data-testid="billshock-to-console">
                Send {count(data.lineIds.length)} lines to the console
              </Button>
            </Tooltip>
          </Group>
          <SimpleGrid cols={3}>
            <Stat label="Lines projected over allowance" value={count(data.lines)} hint={`as of ${data.asOf}`} />
            {data.byPlan.slice(0, 2).map((p) => <Stat key={p.planCode} label={p.planCode} value={count(p.lines)} hint={`${dataSize(p.overshootMb)} over in total`} />)}
          </SimpleGrid>
          {data.cohortSentence && (
            <Text size="xs" c="dimmed">Console sentence for a similar cohort: <Code>{data.cohortSentence}</Code></Text>
          )}
          <Table fz="sm" striped withTableBorder>
            <Table.Thead>
              <Table.Tr><Table.Th>Line</Table.Th><Table.Th>Account</Table.Th><Table.Th>Plan</Table.Th><Table.Th>Cycle</Table.Th><Table.Th ta="right">Used</Table.Th><Table.Th ta="right">Allowance</Table.Th><Table.Th ta="right">Projected</Table.Th><Table.Th ta="right">Over by</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.top.map((l) => (
                <Table.Tr key={l.lineId}>
                  <Table.Td><Anchor size="sm" onClick={() => navigate(`/lines/${encodeURIComponent(l.msisdn)}`)}>{l.msisdn}</Anchor></Table.Td>
                  <Table.Td>{l.accountName}</Table.Td><Table.Td>{l.planCode}</Table.Td><Table.Td>{l.cycleStart} · day {l.daysElapsed}/{l.cycleDays}</Table.Td>
                  <Table.Td ta="right">{dataSize(l.usedMb)}</Table.Td><Table.Td ta="right">{dataSize(l.allowanceMb)}</Table.Td><Table.Td ta="right">{dataSize(l.projectedMb)}</Table.Td><Table.Td ta="right">{dataSize(l.overshootMb)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Frame>
  )
}

const BOARDS = { growth: 'Subscriber growth', churn: 'Churn forecast', waterfall: 'Revenue waterfall', shock: 'Bill shock' } as const

export function Dashboards() {
  const [board, setBoard] = useState<keyof typeof BOARDS>('growth')
  return (
    <Stack p="md" gap="md">
      <Group>
        <Title order={4}>Dashboards</Title>
        <SegmentedControl size="xs" value={board} onChange={(v) => setBoard(v as keyof typeof BOARDS)} data={Object.entries(BOARDS).map(([value, label]) => ({ value, label }))} data-testid="dashboard-picker" />
      </Group>
      {board === 'growth' && <Growth />}
      {board === 'churn' && <Churn />}
      {board === 'waterfall' && <Waterfall />}
      {board === 'shock' && <Shock />}
    </Stack>
  )
}
