// This cycle against the bucket, 90 days of daily usage, and usage by billing cycle.
import { AreaChart, BarChart } from '@mantine/charts'
import { Center, Group, RingProgress, Stack, Text } from '@mantine/core'
import type { LineDetail } from '../../../shared/api/lines'
import { dataSize } from '../../lib/format'
import { Section } from './Section'

export function CycleUsage({ d }: { d: LineDetail }) {
  const u = d.usage
  const bucket = u.bucketMb == null ? null : u.bucketMb + u.topupMb
  const pct = bucket ? Math.min(100, (100 * u.usedMb) / bucket) : 0
  const color = pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal'
  return (
    <Section title="This cycle" extra={`since ${u.cycleStart}`} testId="detail-cycle-usage">
      <Group wrap="nowrap" align="center">
        <RingProgress
          size={120}
          thickness={12}
          roundCaps
          sections={bucket ? [{ value: pct, color }] : [{ value: 100, color: 'indigo.3' }]}
          label={
            <Center>
              <Text size="sm" fw={700}>
                {bucket ? `${Math.round(pct)}%` : '∞'}
              </Text>
            </Center>
          }
        />
        <Stack gap={4}>
          <Text size="sm">
            <b>{dataSize(u.usedMb)}</b> used
          </Text>
          {bucket == null ? (
            <Text size="sm" c="dimmed">
              Unlimited plan
            </Text>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                of {dataSize(bucket)}
                {u.topupMb ? ` (incl. ${dataSize(u.topupMb)} top-ups)` : ''}
              </Text>
              <Text size="sm" c={u.remainingMb === 0 ? 'red' : undefined}>
                {dataSize(u.remainingMb ?? 0)} remaining
              </Text>
            </>
          )}
          <Text size="xs" c="dimmed">
            {d.line.smsUsed.toLocaleString('en-US')} SMS · {d.line.voiceMin.toLocaleString('en-US')} voice min
          </Text>
        </Stack>
      </Group>
    </Section>
  )
}

/** Chart values in TB or GB when the numbers are big, else MB. */
function unitFor(maxMb: number): { unit: 'TB' | 'GB' | 'MB'; k: number } {
  if (maxMb >= 2 * 1024 * 1024) return { unit: 'TB', k: 1 / (1024 * 1024) }
  return maxMb >= 2048 ? { unit: 'GB', k: 1 / 1024 } : { unit: 'MB', k: 1 }
}

export function DailyUsage({ d }: { d: LineDetail }) {
  const daily = d.usage.daily
  const { unit, k } = unitFor(Math.max(0, ...daily.map((x) => x.mb)))
  const data = daily.map((x) => ({ date: x.date.slice(5), usage: Math.round(x.mb * k * 100) / 100 }))
  const total = daily.reduce((s, x) => s + x.mb, 0)
  return (
    <Section title="Daily data, last 90 days" extra={`${dataSize(total)} in ${daily.length} days`} testId="usage-chart">
      {data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No usage recorded in the last 90 days.
        </Text>
      ) : (
        <AreaChart
          h={200}
          data={data}
          dataKey="date"
          series={[{ name: 'usage', label: `Data (${unit})`, color: 'indigo.6' }]}
          curveType="monotone"
          withDots={false}
          unit={` ${unit}`}
          yAxisProps={{ width: 64 }}
          gridAxis="y"
          tickLine="none"
          xAxisProps={{ minTickGap: 24 }}
        />
      )}
    </Section>
  )
}

export function CycleHistory({ d }: { d: LineDetail }) {
  const cycles = d.usage.cycles
  const { unit, k } = unitFor(Math.max(0, ...cycles.map((c) => c.dataMb)))
  const data = cycles
    .map((c) => ({ cycle: c.cycleStart.slice(0, 7), data: Math.round(c.dataMb * k * 10) / 10 }))
    .sort((a, b) => a.cycle.localeCompare(b.cycle))
  return (
    <Section title="Data by billing cycle" extra={`${cycles.length} cycles`} testId="cycle-chart">
      {data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No completed cycles yet.
        </Text>
      ) : (
        <BarChart h={200} data={data} dataKey="cycle" series={[{ name: 'data', label: `Data (${unit})`, color: 'teal.6' }]} unit={` ${unit}`} yAxisProps={{ width: 64 }} gridAxis="y" tickLine="none" />
      )}
    </Section>
  )
}
