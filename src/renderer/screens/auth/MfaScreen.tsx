// Two-step verification the server requires for this person's role: enrol an authenticator (the secret and the
// otpauth:// URI to type or paste into it), then the 6-digit code raises the session to aal2.
import { Alert, Button, Card, Center, Code, Stack, Text, TextInput, Title } from '@mantine/core'
import { useState } from 'react'
import type { TotpEnrolment } from '../../../shared/api/auth'
import { api, errorMessage } from '../../api/client'
import { useRefreshAuth } from './state'

export function MfaScreen() {
  const refresh = useRefreshAuth()
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null)
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const run = async (fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <Center h="100%" p="xl" data-testid="mfa">
      <Card withBorder padding="xl" w={480}>
        <Stack gap="sm">
          <Title order={3}>Two-step verification</Title>
          <Text size="sm" c="dimmed">
            Your role requires a code from an authenticator app. First time here? Set one up.
          </Text>
          {!enrolment && (
            <Button variant="light" onClick={() => void run(async () => setEnrolment(await api.auth.enrollTotp.mutate()))}>
              Set up an authenticator
            </Button>
          )}
          {enrolment && (
            <>
              <Text size="sm">Add this key to your authenticator app:</Text>
              <Code block data-testid="mfa-secret">
                {enrolment.secret}
              </Code>
              <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {enrolment.uri}
              </Code>
            </>
          )}
          <TextInput label="6-digit code" value={code} onChange={(e) => setCode(e.currentTarget.value)} maxLength={6} />
          {error && <Alert color="red">{error}</Alert>}
          <Button
            onClick={() =>
              void run(async () => {
                await api.auth.verifyTotp.mutate({ code: code.trim(), ...(enrolment ? { factorId: enrolment.factorId } : {}) })
                await refresh()
              })
            }
          >
            Verify
          </Button>
        </Stack>
      </Card>
    </Center>
  )
}
