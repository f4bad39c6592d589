// Shows the app only once the workspace is ready. While the first-start demo workspace is built it shows the progress
// (driven by `workspace-progress` events); a corrupt or too-new database gets a clear message instead of a broken app.
// Sets document.body.dataset.appState ('loading' | 'building' | 'ready' | 'error') for end-to-end tests.
import { Alert, Button, Center, Code, Loader, Paper, Progress, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useEffect, type ReactNode } from 'react'
import { count } from '../lib/format'
import { retryStatus, useShellStatus } from './workspace-status'

const FAILURE_TITLE: Record<string, string> = {
  DB_CORRUPT: 'The workspace database is damaged',
  DB_INCOMPATIBLE: 'The workspace was written by a newer version of Wingtel Ops',
}

const FAILURE_HINT: Record<string, string> = {
  DB_CORRUPT: 'Nothing was changed or overwritten. Restore the file from a backup, or move it aside to start a new workspace.',
  DB_INCOMPATIBLE: 'Nothing was changed or overwritten. Update Wingtel Ops to open it, or move the file aside to start a new workspace.',
}

function Screen({ children }: { children: ReactNode }) {
  return (
    <Center h="100vh" p="xl">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={560}>
        {children}
      </Paper>
    </Center>
  )
}

function ErrorScreen({ code, message }: { code: string | null; message: string }) {
  return (
    <Screen>
      <Stack data-testid="workspace-error">
        <Alert color="red" icon={<IconAlertTriangle />} title={(code && FAILURE_TITLE[code]) ?? 'The workspace could not be opened'}>
          <Text size="sm">{message}</Text>
        </Alert>
        {code && FAILURE_HINT[code] && <Text size="sm">{FAILURE_HINT[code]}</Text>}
        {code && <Code>{code}</Code>}
        <Button variant="default" onClick={retryStatus}>
          Try again
        </Button>
      </Stack>
    </Screen>
  )
}

export function WorkspaceGate({ children }: { children: ReactNode }) {
  const { workspace, failure } = useShellStatus()
  const appState = failure || workspace?.state === 'error' ? 'error' : !workspace ? 'loading' : workspace.state
  useEffect(() => {
    document.body.dataset.appState = appState
  }, [appState])

  if (failure) return <ErrorScreen code={failure.code} message={failure.message} />
  if (!workspace)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    )
  if (workspace.state === 'error') return <ErrorScreen code={null} message={workspace.error ?? 'unknown error'} />
  if (workspace.state === 'building') {
    const p = workspace.progress
    const pct = p && p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0
    return (
      <Screen>
        <Stack data-testid="workspace-building">
          <Title order={3}>Building your demo workspace</Title>
          <Text size="sm" c="dimmed">
            First start: Wingtel Ops is generating a believable MVNO to work with. This runs once.
          </Text>
          <Progress value={pct} size="lg" striped animated aria-label="progress" />
          <Text size="sm" data-testid="workspace-progress">
            {p ? `${p.phase}: ${count(p.done)} of ${count(p.total)}` : 'starting…'}
          </Text>
          <Text size="xs" c="dimmed">
            {workspace.dbPath}
          </Text>
        </Stack>
      </Screen>
    )
  }
  return <>{children}</>
}
