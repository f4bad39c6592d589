// The frame around every screen: header (title, palette button, theme toggle, workspace and role indicators),
// navigation from the route table, the status bar, the command palette and the shortcuts overlay.
import { ActionIcon, AppShell, Badge, Button, Group, Kbd, Loader, NavLink, Text, Title, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { spotlight } from '@mantine/spotlight'
import { IconAntennaBars5, IconKeyboard, IconMoon, IconSearch, IconSun } from '@tabler/icons-react'
import { Suspense, useEffect, useMemo } from 'react'
import { Link, Outlet, useLocation, useNavigate } from 'react-router'
import { navRoutes, topNavRoutes } from '../routes'
import { useRegisterActions, type PaletteAction } from './actions'
import { CommandPalette } from './CommandPalette'
import { MOD, useAppHotkeys } from './shortcuts'
import { ShortcutsHelp } from './ShortcutsHelp'
import { IdentityGate } from './IdentityGate'
import { useAuthState } from '../screens/auth/state'
import type { AuthState } from '../../shared/api/auth'
import { StatusBar } from './StatusBar'
import { UpdateBanner } from './UpdateBanner'
import { useShellStatus } from './workspace-status'

function useThemeToggle(): { scheme: 'light' | 'dark'; toggle: () => void } {
  const { setColorScheme } = useMantineColorScheme()
  const scheme = useComputedColorScheme('light')
  useEffect(() => {
    // AG Grid's colorSchemeVariable part follows this attribute; tests read data-theme
    document.body.dataset.agThemeMode = scheme
    document.body.dataset.theme = scheme
  }, [scheme])
  return { scheme, toggle: () => setColorScheme(scheme === 'dark' ? 'light' : 'dark') }
}

/** where the workspace's data comes from: the first-start demo, or the backend it was bootstrapped from */
const SOURCE_LABEL = { demo: 'Demo workspace', sandbox: 'Sandbox data', supabase: 'Supabase data', postgres: 'Postgres data' } as const

/** the header's identity: the same person as the status bar (auth.state); the backend's own label until it loads */
function identityLabel(auth: AuthState | undefined, syncLabel: string | null): string {
  if (!auth) return syncLabel ?? '…'
  if (auth.user) return `${auth.user.role ?? 'no role'}${auth.mode === 'demo' ? ' (sandbox demo)' : ''} · ${auth.user.email}`
  return auth.mode === 'demo' ? 'no demo user chosen' : 'signed out'
}

function Indicators() {
  const { workspace, sync } = useShellStatus()
  const { data: auth } = useAuthState()
  return (
    <Group gap={6} visibleFrom="sm">
      <Tooltip label={workspace?.dbPath ?? ''}>
        <Badge variant="light" color={workspace?.source === 'demo' ? 'violet' : 'teal'} data-testid="workspace-indicator">
          {workspace ? SOURCE_LABEL[workspace.source] : '…'}
        </Badge>
      </Tooltip>
      <Badge variant="default" data-testid="role-indicator">
        {identityLabel(auth, sync?.signedInAs ?? null)}
      </Badge>
    </Group>
  )
}

export function AppLayout() {
  const { scheme, toggle } = useThemeToggle()
  const [helpOpened, help] = useDisclosure(false)
  const navigate = useNavigate()
  const { pathname } = useLocation()
  useAppHotkeys({ toggleTheme: toggle, showHelp: help.open })

  const shellActions = useMemo<PaletteAction[]>(
    () => [
      ...navRoutes.map((r) => {
        const i = topNavRoutes.indexOf(r)
        return {
          id: `nav:${r.path}`,
          label: `Go to ${r.nav.label}`,
          description: r.nav.description,
          group: 'Navigate',
          keywords: [r.nav.label],
          hotkey: `g ${r.nav.key}${i >= 0 ? `  ·  ${MOD}+${i + 1}` : ''}`,
          run: () => navigate(r.path),
        }
      }),
      { id: 'shell:theme', label: 'Toggle light / dark theme', group: 'Actions', keywords: ['dark', 'light', 'theme'], hotkey: `${MOD}+Shift+L`, run: toggle },
      { id: 'shell:help', label: 'Show keyboard shortcuts', group: 'Actions', keywords: ['help', 'keys', 'hotkeys'], hotkey: '?', run: help.open },
    ],
    [navigate, toggle, help.open],
  )
  useRegisterActions(shellActions)

  const isActive = (path: string) => pathname === path || pathname.startsWith(`${path}/`) || (path === '/subscribers' && pathname.startsWith('/lines/'))

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 0 }} footer={{ height: 28 }} padding={0}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconAntennaBars5 size={22} stroke={1.8} color="var(--mantine-primary-color-filled)" />
            <Title order={4} style={{ whiteSpace: 'nowrap' }}>
              Wingtel Ops
            </Title>
          </Group>
          <Button
            variant="default"
            size="sm"
            w={360}
            justify="space-between"
            leftSection={<IconSearch size={16} />}
            rightSection={<Kbd size="xs">{MOD}+K</Kbd>}
            onClick={() => spotlight.open()}
            data-testid="open-palette"
          >
            <Text size="sm" c="dimmed">
              Search lines, go to, run…
            </Text>
          </Button>
          <Group gap="xs" wrap="nowrap">
            <Indicators />
            <Tooltip label="Keyboard shortcuts (?)">
              <ActionIcon variant="default" size="lg" onClick={help.open} aria-label="Keyboard shortcuts" data-testid="open-help">
                <IconKeyboard size={18} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={`${scheme === 'dark' ? 'Light' : 'Dark'} theme (${MOD}+Shift+L)`}>
              <ActionIcon variant="default" size="lg" onClick={toggle} aria-label="Toggle theme" data-testid="theme-toggle">
                {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {topNavRoutes.map((r) => {
          const children = navRoutes.filter((c) => c.nav.parent === r.path)
          const Icon = r.nav.icon
          return (
            <NavLink
              key={r.path}
              component={Link}
              to={r.path}
              label={r.nav.label}
              leftSection={<Icon size={18} stroke={1.6} />}
              active={isActive(r.path)}
              opened={children.length > 0}
              // a NavLink with children only toggles them; navigate ourselves (they stay open, so no chevron)
              onClick={children.length > 0 ? () => navigate(r.path) : undefined}
              rightSection={children.length > 0 ? null : undefined}
              childrenOffset={28}
              data-testid={`nav-${r.nav.label.toLowerCase()}`}
            >
              {children.length > 0 &&
                children.map((c) => {
                  const ChildIcon = c.nav.icon
                  return (
                    <NavLink
                      key={c.path}
                      component={Link}
                      to={c.path}
                      label={c.nav.label}
                      leftSection={<ChildIcon size={16} stroke={1.6} />}
                      active={isActive(c.path)}
                      data-testid={`nav-${c.nav.label.toLowerCase()}`}
                    />
                  )
                })}
            </NavLink>
          )
        })}
      </AppShell.Navbar>
      <AppShell.Main h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
        <UpdateBanner />
        <IdentityGate>
          <Suspense fallback={<Loader m="xl" />}>
            <Outlet />
          </Suspense>
        </IdentityGate>
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
      <CommandPalette />
      <ShortcutsHelp opened={helpOpened} onClose={help.close} />
    </AppShell>
  )
}
