// The line detail, deep-linkable as #/lines/<MSISDN in any format or line id>.
import { Alert, Anchor, Box, Grid, Skeleton, Stack, Text } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { useEffect } from 'react'
import { Link, useParams } from 'react-router'
import { api, errorCode, errorMessage } from '../../api/client'
import { AccountPanel, PlanPanel } from './AccountPanel'
import { Care, LineHistory } from './ActivityPanels'
import { Invoices, Payments } from './BillingPanels'
import { LineHeader } from './LineHeader'
import { CycleHistory, CycleUsage, DailyUsage } from './UsagePanels'

export default function LineDetailScreen() {
  const ref = useParams().msisdn ?? ''
  const { data, error, isLoading } = useQuery({ queryKey: ['lines.detail', ref], queryFn: () => api.lines.detail.query({ ref }) })
  const state = isLoading ? 'loading' : error ? (errorCode(error) === 'NOT_FOUND' ? 'not-found' : 'error') : 'loaded'
  useEffect(() => {
    document.body.dataset.detailState = state
    return () => void delete document.body.dataset.detailState
  }, [state])

  return (
    <Box p="md" style={{ overflow: 'auto', flex: 1 }} data-testid="line-detail">
      {isLoading && (
        <Stack>
          <Skeleton h={90} />
          <Skeleton h={200} />
          <Skeleton h={240} />
        </Stack>
      )}
      {error && (
        <Alert
          color={state === 'not-found' ? 'yellow' : 'red'}
          icon={<IconAlertTriangle />}
          title={state === 'not-found' ? `No line found for “${ref}”` : 'The line could not be loaded'}
          data-testid="detail-error"
        >
          <Text size="sm">{errorMessage(error)}</Text>
          <Text size="sm" mt="xs">
            Search by phone number in any format, ICCID, account, name or email with{' '}
            <Anchor component={Link} to="/subscribers">
              the subscriber grid
            </Anchor>{' '}
            or the palette (Ctrl/Cmd+K).
          </Text>
        </Alert>
      )}
      {data && (
        <Stack gap="md">
          <LineHeader d={data} />
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 4 }}>
              <CycleUsage d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <PlanPanel d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <AccountPanel d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <DailyUsage d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <CycleHistory d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Invoices d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Payments d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <LineHistory d={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Care d={data} />
            </Grid.Col>
          </Grid>
        </Stack>
      )}
    </Box>
  )
}
