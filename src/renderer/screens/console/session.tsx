// The demo sign-in as the console and the history show it: who is signed in, and a switcher over the demo users (one
// per role) until a real sign-in exists.
import { Badge, Group, Select, Text, Tooltip } from '@mantine/core'
import { IconUserCircle } from '@tabler/icons-react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Role, SessionState } from '../../../shared/api/console'
import { api } from '../../api/client'
import { AUTH_KEY } from '../auth/state'

export function useSession() {
  return useQuery({ queryKey: ['console.session'], queryFn: () => api.console.session.current.query(), staleTime: 60_000 })
}

export function RoleSwitcher() {
  const qc = useQueryClient()
  const session = useSession()
  const users = useQuery({ queryKey: ['console.session.users'], queryFn: () => api.console.session.users.query(), staleTime: Infinity })
  const signIn = useMutation({
    mutationFn: (role: Role) => api.console.session.signInDemo.mutate({ role }),
    onSuccess: (s: SessionState) => {
      qc.setQueryData(['console.session'], s)
      void qc.invalidateQueries({ queryKey: ['console.preview'] })
      // the status bar's identity (auth.state) shows the same demo user
      void qc.invalidateQueries({ queryKey: AUTH_KEY })
    },
  })
  const s = session.data
  return (
    <Group gap="xs" wrap="nowrap" data-testid="role-switcher">
      <IconUserCircle size={18} aria-hidden />
      <Select
        aria-label="Signed in as (demo user)"
        placeholder="Sign in as…"
        size="xs"
        w={230}
        data={(users.data ?? []).map((u) => ({ value: u.role, label: `${u.name} — ${u.role}` }))}
        value={s?.user?.role ?? null}
        onChange={(v) => v && signIn.mutate(v as Role)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {s?.user && (
        <Tooltip label={s.canCommit ? 'This role commits into the outbox' : 'This role saves drafts only; an operator or admin commits them'}>
          <Badge variant="light" color={s.canCommit ? 'green' : 'yellow'}>
            {s.canCommit ? 'commits' : 'drafts only'}
          </Badge>
        </Tooltip>
      )}
      {!s?.user && (
        <Text size="xs" c="dimmed">
          demo sign-in
        </Text>
      )}
    </Group>
  )
}
