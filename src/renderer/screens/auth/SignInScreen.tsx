// Sign-in for a real backend: email + password or a magic link (Supabase), the person's own login (direct Postgres).
// The role is the server's: nothing here chooses it.
import { Alert, Anchor, Button, Card, Center, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core'
import { useState } from 'react'
import { Link } from 'react-router'
import type { AuthState } from '../../../shared/api/auth'
import { api, errorMessage } from '../../api/client'
import { useRefreshAuth } from './state'

export function SignInScreen({ state }: { state: AuthState }) {
  const refresh = useRefreshAuth()
  const supabase = state.source === 'supabase'
  const [how, setHow] = useState<'password' | 'link'>('password')
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [token, setToken] = useState('')
  const [sent, setSent] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
      await refresh()
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <Center h="100%" p="xl" data-testid="sign-in">
      <Card withBorder padding="xl" w={420}>
        <Stack gap="sm">
          <Title order={3}>Sign in</Title>
          <Text size="sm" c="dimmed">
            {supabase ? 'Your Supabase account. Your role comes from the server.' : 'Your own Postgres login. Your role comes from the server.'}
          </Text>
          {supabase && (
            <SegmentedControl
              value={how}
              onChange={(v) => setHow(v as 'password' | 'link')}
              data={[
                { value: 'password', label: 'Password' },
                { value: 'link', label: 'Email me a link' },
              ]}
            />
          )}
          <TextInput label={supabase ? 'Email' : 'Postgres login'} value={login} onChange={(e) => setLogin(e.currentTarget.value)} autoFocus />
          {how === 'password' || !supabase ? (
            <>
              <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              <Button onClick={() => void run(() => api.auth.signInPassword.mutate({ login: login.trim(), password }))}>Sign in</Button>
            </>
          ) : (
            <>
              <Button variant="light" onClick={() => void run(async () => (await api.auth.sendMagicLink.mutate({ email: login.trim() }), setSent(true)))}>
                Send the link
              </Button>
              {sent && <TextInput label="Code from the email (or the link's token)" value={token} onChange={(e) => setToken(e.currentTarget.value)} />}
              {sent && <Button onClick={() => void run(() => api.auth.verifyMagicLink.mutate({ email: login.trim(), token: token.trim() }))}>Sign in with the link</Button>}
            </>
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Anchor component={Link} to="/sync" size="xs">
            Change the backend (Settings → Sync)
          </Anchor>
        </Stack>
      </Card>
    </Center>
  )
}
