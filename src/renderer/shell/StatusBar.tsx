// The footer status bar. Left: the workspace (lines, the demo clock). Right: sync (data as of, pending and rejected
// operations, online). SEAM for the sync engineer: the sync half reads `useShellStatus().sync`, fed by `sync-status`
// events after one `sync.status` call (shell/workspace-status.ts).
import { Anchor, Group, Text, Tooltip } from '@mantine/core'
import { IconCircleFilled, IconDatabase } from '@tabler/icons-react'
import { Link } from 'react-router'
import { count, when } from '../lib/format'
import { IdentityBadge } from './IdentityBadge'
import { useShellStatus, type SyncStatusView } from './workspace-status'

function SyncSegment({ sync }: { sync: SyncStatusView | null }) {
  if (!sync) {
    return (
      <Anchor component={Link} to="/sync" size="xs" c="dimmed" data-testid="status-sync">
        Sync: not connected (local demo data)
      </Anchor>
    )
  }
  return (
    <Group gap="md" wrap="nowrap" data-testid="status-sync">
      <Text size="xs" c="dimmed">
        data as of {sync.dataAsOf ? when(sync.dataAsOf) : 'never'}
      </Text>
      <Anchor component={Link} to="/sync" size="xs" c={sync.pending ? undefined : 'dimmed'}>
        {count(sync.pending)} pending
      </Anchor>
      <Anchor component={Link} to="/sync" size="xs" c={sync.rejected ? 'red' : 'dimmed'}>
        {count(sync.rejected)} rejected
      </Anchor>
      <Tooltip label={sync.lastError ?? sync.remoteLabel}>
        <Group gap={4} wrap="nowrap">
          <IconCircleFilled size={9} color={sync.online ? 'var(--mantine-color-green-6)' : 'var(--mantine-color-red-6)'} />
          <Text size="xs">{sync.online ? (sync.activity === 'idle' ? 'online' : sync.activity) : 'offline'}</Text>
        </Group>
      </Tooltip>
    </Group>
  )
}

export function StatusBar() {
  const { workspace, sync } = useShellStatus()
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" data-testid="status-bar">
      <Group gap="xs" wrap="nowrap">
        <IconDatabase size={14} stroke={1.6} />
        <Text size="xs" c="dimmed" data-testid="status-workspace">
          {workspace
            ? `${count(workspace.lines)} lines · ${count(workspace.accounts)} accounts${workspace.asOf ? ` · as of ${workspace.asOf}` : ''} · ${workspace.source}`
            : 'workspace…'}
        </Text>
      </Group>
      <Group gap="md" wrap="nowrap">
        <SyncSegment sync={sync} />
        <IdentityBadge />
      </Group>
    </Group>
  )
}
