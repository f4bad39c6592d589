// Shown while the workstation is locked (idle or by hand). The server refuses every data call meanwhile; unlocking
// re-authenticates against the backend with the password (and the TOTP code when the role requires it). The
// sandbox's demo users have no password: one click.
import { Alert, Button, Card, Center, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import { useState } from 'react'
import type { AuthState } from '../../../shared/api/auth'
import { api, errorMessage } from '../../api/client'
import { useRefreshAuth } from './state'

export function LockScreen({ state }: { state: AuthState }) {
  const refresh = useRefreshAuth()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const unlock = async () => {
    setBusy(true)
    setError(null)
    try {
      await api.auth.unlock.mutate(state.unlockWith === 'password' ? { password, ...(code ? { code } : {}) } : {})
      setPassword('')
      await refresh()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Center h="100dvh" data-testid="lock-screen">
      <Card withBorder padding="xl" w={380}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void unlock()
          }}
        >
          <Stack gap="sm">
            <IconLock size={28} stroke={1.6} />
            <Title order={3}>Wingtel Ops is locked</Title>
            <Text size="sm" c="dimmed">
              {state.idleLockMinutes > 0 ? `Locked after ${state.idleLockMinutes} idle minutes, or by hand. ` : 'Locked by hand. '}
              {state.user ? `Signed in as ${state.user.email}${state.mode === 'demo' ? ' (DEMO)' : ''}.` : 'Nobody is signed in.'}
            </Text>
            {state.unlockWith === 'password' && (
              <>
                <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoFocus data-testid="unlock-password" />
                {state.aal === 'aal2' && <TextInput label="Authenticator code" value={code} onChange={(e) => setCode(e.currentTarget.value)} maxLength={6} />}
              </>
            )}
            {state.unlockWith === 'none' && (
              <Text size="xs" c="dimmed">
                Sandbox demo: demo users have no password.
              </Text>
            )}
            {error && <Alert color="red">{error}</Alert>}
            <Button type="submit" loading={busy} data-testid="unlock">
              Unlock
            </Button>
          </Stack>
        </form>
      </Card>
    </Center>
  )
}
