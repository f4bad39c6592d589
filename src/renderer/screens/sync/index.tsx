// Sync: where this workstation's data comes from and where its committed operations go. Status (live, from
// `sync-status` events), bootstrap progress with rows/s and ETA, pull/push now, the ledger check, the outbox's rejected
// and conflicting ops (retry or discard, with the server's reason), and the backend settings with sign-in.
import { Alert, Badge, Button, Card, Grid, Group, PasswordInput, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconCloudDownload, IconCloudUpload, IconShieldCheck } from '@tabler/icons-react'
import { useCallback, useEffect, useState } from 'react'
import type { LedgerVerify, SyncProblem, SyncSettings, SyncStatus } from '../../../shared/api/sync'
import { api, errorMessage, onEvent } from '../../api/client'

type Source = SyncSettings['source']
type Role = SyncSettings['actAsRole']
const ROLES: Role[] = ['operator', 'analyst', 'agent', 'finance', 'admin']
const n = (v: number) => v.toLocaleString('en-US')

export default function SyncScreen() {
  const [status, setStatus] = useState<SyncStatus | null>(null)
  const [problems, setProblems] = useState<SyncProblem[]>([])
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [ledger, setLedger] = useState<LedgerVerify | null>(null)

  const refresh = useCallback(async () => {
    try {
      const [s, p] = await Promise.all([api.sync.status.query(), api.sync.listProblems.query()])
      setStatus(s)
      setProblems(p)
    } catch (e) {
      setMessage({ color: 'red', text: errorMessage(e) })
    }
  }, [])

  useEffect(() => {
    void refresh()
    return onEvent((e) => {
      if (e.type === 'sync-status') setStatus(e.status as SyncStatus)
      if (e.type === 'data-changed' && e.tables.includes('operations')) void api.sync.listProblems.query().then(setProblems, () => undefined)
    })
  }, [refresh])

  const run = async (what: string, fn: () => Promise<string>) => {
    setBusy(what)
    setMessage(null)
    try {
      setMessage({ color: 'green', text: await fn() })
    } catch (e) {
      setMessage({ color: 'red', text: errorMessage(e) })
    } finally {
      setBusy(null)
      void refresh()
    }
  }

  const pull = () =>
    run('pull', async () => {
      const r = await api.sync.pullNow.mutate({})
      return `${r.bootstrapped ? 'Bootstrapped' : 'Pulled'}: ${n(r.changes)} changes in ${n(r.pages)} pages (${(r.ms / 1000).toFixed(1)} s)${r.reset ? ' after a reset' : ''}.`
    })
  const push = () =>
    run('push', async () => {
      const r = await api.sync.pushNow.mutate()
      return `Pushed ${n(r.sent)} ops: ${n(r.applied)} applied, ${n(r.rejected)} rejected, ${n(r.conflict)} conflicts, ${n(r.pending)} still pending.`
    })
  const verify = () =>
    run('verify', async () => {
      const r = await api.sync.ledgerVerify.query()
      setLedger(r)
      if (!r.ok) throw new Error(`${r.summary}. Do not trust this backend's history until an administrator has looked at it.`)
      return `${r.summary} (${n(r.entries)} entries).`
    })

  return (
    <Stack p="md" gap="md" data-screen="sync">
      <Group justify="space-between">
        <Title order={3}>Sync</Title>
        <Group gap="xs">
          <Button leftSection={<IconCloudDownload size={16} />} onClick={pull} loading={busy === 'pull'} data-testid="sync-pull">
            Pull now
          </Button>
          <Button leftSection={<IconCloudUpload size={16} />} variant="light" onClick={push} loading={busy === 'push'} data-testid="sync-push">
            Push now
          </Button>
          <Button leftSection={<IconShieldCheck size={16} />} variant="default" onClick={verify} loading={busy === 'verify'}>
            Verify ledger
          </Button>
        </Group>
      </Group>
      {message && (
        <Alert color={message.color} withCloseButton onClose={() => setMessage(null)} data-testid="sync-message">
          {message.text}
        </Alert>
      )}
      {status && <StatusCard status={status} ledger={ledger} />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <ProblemsCard problems={problems} onAction={(what, fn) => run(what, fn)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <SettingsCard onSaved={(text) => run('settings', async () => text)} />
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function StatusCard({ status: s, ledger }: { status: SyncStatus; ledger: LedgerVerify | null }) {
  const b = s.bootstrap
  const total = b && b.remaining !== null ? b.rows + b.remaining : null
  return (
    <Card withBorder padding="lg" data-testid="sync-status">
      <Group gap="xs" mb="md">
        <Badge color={s.online ? 'green' : 'gray'} variant="dot">
          {s.online ? 'online' : 'offline'}
        </Badge>
        <Badge variant="light">{s.remoteLabel}</Badge>
        {s.signedInAs && <Badge variant="outline">signed in as {s.signedInAs}</Badge>}
        <Badge variant="outline" color={s.activity === 'idle' ? 'gray' : 'blue'}>
          {s.activity}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Fact label="Data as of" value={s.dataAsOf ? new Date(s.dataAsOf).toLocaleString() : 'never synced'} />
        <Fact label="Phase" value={s.phase === 'none' ? 'not started' : s.phase === 'snapshot' ? 'bootstrap' : 'incremental'} />
        <Fact label="Pending ops" value={n(s.pending)} />
        <Fact label="Rejected" value={n(s.rejected)} color={s.rejected ? 'red' : undefined} />
        <Fact label="Conflicts" value={n(s.conflict)} color={s.conflict ? 'orange' : undefined} />
      </SimpleGrid>
      {b && (
        <Stack gap={4} mt="md" data-testid="sync-bootstrap">
          {b.stage === 'indexing' ? (
            <Text size="sm">
              Bootstrap: {n(b.rows)} rows copied · building the indexes
              {b.etaSeconds !== null ? ` (about ${Math.ceil(b.etaSeconds)} s)` : ''}
            </Text>
          ) : (
            <Text size="sm">
              Bootstrap: {n(b.rows)} rows{total ? ` of ~${n(total)}` : ''} · {n(b.rowsPerSec)} rows/s
              {b.etaSeconds !== null ? ` · ETA ${Math.ceil(b.etaSeconds)} s` : ''}
              {b.stage === 'copying' ? ', indexes included' : ''}
              {b.table ? ` · ${b.table}` : ''}
            </Text>
          )}
          <Progress value={b.stage === 'indexing' ? 100 : total ? (100 * b.rows) / total : 100} animated={!total || b.stage === 'indexing'} />
        </Stack>
      )}
      {s.horizonLag !== null && s.horizonLag > 1000 && (
        <Text size="xs" c="orange" mt="xs">
          The server's horizon lags {n(s.horizonLag)} transactions: a long transaction on the server is holding changes back.
        </Text>
      )}
      {s.lastError && (
        <Alert color="red" mt="md" icon={<IconAlertTriangle size={16} />} title="Last sync error">
          {s.lastError}
        </Alert>
      )}
      {ledger && <LedgerLine ledger={ledger} />}
    </Card>
  )
}

/** "Ledger verified up to entry N, signed by K"; orange when not signed, red when the check failed. */
function LedgerLine({ ledger }: { ledger: LedgerVerify }) {
  const signed = ledger.signedBy !== null || ledger.verifiedUpTo === 0
  const color = !ledger.ok ? 'red' : signed ? 'green' : 'orange'
  const Icon = ledger.ok ? IconShieldCheck : IconAlertTriangle
  return (
    <Group gap={6} mt="sm" wrap="nowrap" data-testid="ledger-state" data-ok={String(ledger.ok)}>
      <Icon size={16} color={`var(--mantine-color-${color}-filled)`} aria-hidden />
      <Text size="sm" c={color}>
        {ledger.summary}
      </Text>
    </Group>
  )
}

function Fact({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text fw={600} c={color}>
        {value}
      </Text>
    </div>
  )
}

function ProblemsCard({ problems, onAction }: { problems: SyncProblem[]; onAction: (what: string, fn: () => Promise<string>) => void }) {
  return (
    <Card withBorder padding="md" data-testid="sync-problems">
      <Text fw={600} mb="xs">
        Rejected and conflicting operations
      </Text>
      {problems.length === 0 ? (
        <Text size="sm" c="dimmed">
          None: every pushed operation was applied by the central ledger.
        </Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Op</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Line</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Server's reason</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {problems.map((p) => (
              <Table.Tr key={p.seq}>
                <Table.Td>{p.seq}</Table.Td>
                <Table.Td title={p.sentence ?? ''}>{p.action}</Table.Td>
                <Table.Td>{p.lineId}</Table.Td>
                <Table.Td>
                  <Badge color={p.status === 'rejected' ? 'red' : 'orange'} variant="light">
                    {p.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{p.reason ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="light" onClick={() => onAction('retry', async () => `Op ${p.seq} queued again as op ${(await api.sync.retryOp.mutate({ seq: p.seq })).seq}.`)}>
                      Retry
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onAction('discard', async () => `Op ${(await api.sync.discardOp.mutate({ seq: p.seq })).seq} discarded.`)}>
                      Discard
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}

function SettingsCard({ onSaved }: { onSaved: (text: string) => void }) {
  const [settings, setSettings] = useState<SyncSettings | null>(null)
  const [source, setSource] = useState<Source>('sandbox')
  const [url, setUrl] = useState('')
  const [anonKey, setAnonKey] = useState('')
  const [pgUrl, setPgUrl] = useState('')
  const [role, setRole] = useState<Role>('operator')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(async () => {
    const s = await api.sync.getSettings.query()
    setSettings(s)
    setSource(s.source)
    setUrl(s.supabaseUrl ?? '')
    setAnonKey(s.supabaseAnonKey ?? '')
    setPgUrl(s.postgresUrl ?? '')
    setRole(s.actAsRole)
  }, [])
  useEffect(() => {
    load().catch((e) => setError(errorMessage(e)))
  }, [load])

  const save = async () => {
    setError(null)
    try {
      const input =
        source === 'sandbox'
          ? { source, actAsRole: role }
          : source === 'supabase'
            ? { source, supabaseUrl: url.trim(), supabaseAnonKey: anonKey.trim() }
            : { source, postgresUrl: pgUrl.trim() }
      const s = await api.sync.setSettings.mutate(input)
      setSettings(s)
      onSaved(`Backend set to ${s.source}.`)
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  const signIn = async () => {
    setError(null)
    try {
      // the role is the server's: the JWT's (Supabase) or the one the server gives this Postgres login
      const r = await api.auth.signInPassword.mutate({ login: email.trim(), password })
      setPassword('')
      await load()
      onSaved(`Signed in as ${r.user?.email ?? email.trim()} (${r.user?.role ?? 'no role'}).`)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <Card withBorder padding="md" data-testid="sync-settings">
      <Text fw={600} mb="xs">
        Backend
      </Text>
      <Stack gap="sm">
        <SegmentedControl
          value={source}
          onChange={(v) => setSource(v as Source)}
          data={[
            { value: 'sandbox', label: 'Sandbox (embedded)' },
            { value: 'supabase', label: 'Supabase' },
            { value: 'postgres', label: 'Postgres' },
          ]}
        />
        {source === 'sandbox' && (
          <Text size="xs" c="dimmed">
            An embedded Postgres (PGlite) with the central migrations and the demo data: the whole loop — pull, push, ledger — with no server. Its first pull or push fills it, which takes a few minutes.
          </Text>
        )}
        {source === 'supabase' && (
          <>
            <TextInput label="Project URL" placeholder="https://abcd.supabase.co" value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
            <TextInput label="Anon key" value={anonKey} onChange={(e) => setAnonKey(e.currentTarget.value)} />
          </>
        )}
        {source === 'postgres' && <TextInput label="Postgres URL" placeholder="postgres://user:password@host:5432/db" value={pgUrl} onChange={(e) => setPgUrl(e.currentTarget.value)} />}
        {source === 'sandbox' && <Select label="Demo role (sandbox only)" data={ROLES} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />}
        {source === 'postgres' && (
          <Text size="xs" c="dimmed">
            Sign in below with your own Postgres login: the server gives it its role.
          </Text>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Secrets kept with: {settings?.secretStore ?? '…'}
          </Text>
          <Button onClick={save} size="xs">
            Save backend
          </Button>
        </Group>
        {settings && settings.source !== 'sandbox' && (
          <Stack gap="xs" mt="sm">
            <Text size="sm" fw={600}>
              {settings.signedInAs ? `Signed in as ${settings.signedInAs}` : 'Sign in'}
            </Text>
            <TextInput label={settings.source === 'supabase' ? 'Email' : 'Postgres login'} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Group gap="xs">
              <Button size="xs" onClick={signIn}>
                Sign in
              </Button>
              {settings.signedInAs && (
                <Button size="xs" variant="subtle" onClick={() => api.auth.signOut.mutate().then(load, (e) => setError(errorMessage(e)))}>
                  Sign out
                </Button>
              )}
            </Group>
          </Stack>
        )}
        {error && (
          <Alert color="red" p="xs">
            {error}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
