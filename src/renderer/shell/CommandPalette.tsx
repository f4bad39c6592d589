// Ctrl/Cmd+K: instant prefix search over lines (MSISDN in any formatting, ICCID, account id, name, email) plus every
// navigation target and registered action, so the keyboard reaches everything.
import { Badge, Group, Loader, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { Spotlight } from '@mantine/spotlight'
import { IconPhone, IconSearch, IconUser } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useNavigate } from 'react-router'
import type { SearchHit } from '../../shared/api/lines'
import { api, errorMessage } from '../api/client'
import { formatMsisdn } from '../lib/format'
import { StatusBadge } from '../lib/StatusBadge'
import { usePaletteActions, type PaletteAction } from './actions'

const MATCHED_LABEL: Record<SearchHit['matched'], string> = { msisdn: 'MSISDN', iccid: 'ICCID', account: 'account', name: 'name', email: 'email' }

function matches(a: PaletteAction, q: string): boolean {
  if (!q) return true
  const hay = `${a.label} ${a.description ?? ''} ${a.group} ${(a.keywords ?? []).join(' ')}`.toLowerCase()
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w))
}

function useLineSearch(query: string): { hits: SearchHit[]; loading: boolean; error: string | null } {
  const [debounced] = useDebouncedValue(query.trim(), 60)
  const [state, setState] = useState<{ for: string; hits: SearchHit[]; error: string | null }>({ for: '', hits: [], error: null })
  useEffect(() => {
    if (debounced.length < 2) return
    let live = true
    api.lines.search.query({ text: debounced, limit: 12 }).then(
      (hits) => live && setState({ for: debounced, hits, error: null }),
      (e) => live && setState({ for: debounced, hits: [], error: errorMessage(e) }),
    )
    return () => {
      live = false
    }
  }, [debounced])
  if (query.trim().length < 2) return { hits: [], loading: false, error: null }
  return { hits: state.for === debounced ? state.hits : [], loading: state.for !== query.trim(), error: state.for === debounced ? state.error : null }
}

export function CommandPalette() {
  const [query, setQuery] = useState('')
  const navigate = useNavigate()
  const actions = usePaletteActions()
  const { hits, loading, error } = useLineSearch(query)
  const shown = actions.filter((a) => matches(a, query.trim()))
  const groups = [...new Set(shown.map((a) => a.group))]
  // Spotlight selects the first action when the query changes; line hits arrive later, so select the first one then
  useEffect(() => {
    const list = document.querySelector('[data-testid=palette-list]')
    if (!hits.length || !list || list.querySelector('[data-selected]')) return
    list.querySelector('[data-action]')?.setAttribute('data-selected', 'true')
  }, [hits])

  const openHit = (h: SearchHit) => {
    if (h.msisdn) navigate(`/lines/${encodeURIComponent(h.msisdn)}`)
    else navigate(`/subscribers?q=${encodeURIComponent(h.accountId)}`)
  }

  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} scrollable maxHeight={520} data-testid="palette">
      <Spotlight.Search
        placeholder="Find a line by phone number, ICCID, account, name or email — or type a command"
        leftSection={loading ? <Loader size={16} /> : <IconSearch size={18} stroke={1.6} />}
        data-testid="palette-input"
      />
      <Spotlight.ActionsList data-testid="palette-list">
        {hits.length > 0 && (
          <Spotlight.ActionsGroup label="Lines">
            {hits.map((h) => (
              <Spotlight.Action
                key={`${h.kind}-${h.lineId ?? h.accountId}`}
                onClick={() => openHit(h)}
                data-testid="palette-hit"
              >
                <Group gap="sm" wrap="nowrap" w="100%">
                  {h.kind === 'line' ? <IconPhone size={18} stroke={1.5} /> : <IconUser size={18} stroke={1.5} />}
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <Text size="sm" fw={600} ff="monospace">
                      {h.msisdn ? formatMsisdn(h.msisdn) : h.accountId}
                    </Text>
                    <Text size="xs" c="dimmed" truncate>
                      {h.name} · {h.email} · account {h.accountId} · matched {MATCHED_LABEL[h.matched]}
                    </Text>
                  </div>
                  {h.planCode && (
                    <Badge variant="default" size="sm">
                      {h.planCode}
                    </Badge>
                  )}
                  {h.status && (
                    <StatusBadge status={h.status} size="sm" />
                  )}
                </Group>
              </Spotlight.Action>
            ))}
          </Spotlight.ActionsGroup>
        )}
        {groups.map((g) => (
          <Spotlight.ActionsGroup key={g} label={g}>
            {shown
              .filter((a) => a.group === g)
              .map((a) => (
                <Spotlight.Action
                  key={a.id}
                  label={a.label}
                  description={a.description}
                  onClick={a.run}
                  data-action-id={a.id}
                  rightSection={a.hotkey ? <Text size="xs" c="dimmed">{a.hotkey}</Text> : undefined}
                />
              ))}
          </Spotlight.ActionsGroup>
        ))}
        {error && <Spotlight.Empty>Search failed: {error}</Spotlight.Empty>}
        {!error && hits.length === 0 && shown.length === 0 && (
          <Spotlight.Empty>{loading ? 'Searching…' : `Nothing matches “${query.trim()}”.`}</Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  )
}
