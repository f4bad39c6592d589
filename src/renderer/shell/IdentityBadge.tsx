// The status bar's identity: who is signed in and with which role; a sandbox demo user is marked DEMO (the role was
// picked on this machine, not given by a server). The lock button locks the app at once.
import { ActionIcon, Badge, Group, Text, Tooltip } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import { api } from '../api/client'
import { useAuthState, useRefreshAuth } from '../screens/auth/state'

export function IdentityBadge() {
  const { data: s } = useAuthState()
  const refresh = useRefreshAuth()
  if (!s) return null
  return (
    <Group gap={6} wrap="nowrap" data-testid="status-identity">
      {s.mode === 'demo' && (
        <Tooltip label="Sandbox demo user: the role was picked on this machine, not given by a server">
          <Badge size="xs" color="orange" variant="filled" data-testid="demo-badge">
            DEMO
          </Badge>
        </Tooltip>
      )}
      <Text size="xs" c="dimmed">
        {s.user ? `${s.user.email} · ${s.user.role ?? 'no role'}` : s.mode === 'demo' ? 'no demo user chosen' : 'signed out'}
      </Text>
      <Tooltip label="Lock now">
        <ActionIcon
          size="xs"
          variant="subtle"
          color="gray"
          aria-label="Lock"
          data-testid="lock-now"
          onClick={() => {
            void api.auth.lock.mutate().then(refresh)
          }}
        >
          <IconLock size={12} />
        </ActionIcon>
      </Tooltip>
    </Group>
  )
}
