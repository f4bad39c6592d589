// Which lines the command applies to: what the sentence said, or one line, one account, an uploaded CSV of MSISDNs or
// ICCIDs (bad rows and unknown numbers listed), or the selection handed over from the subscriber grid. A grid selection
// becomes a `list` scope of MSISDNs, so the command stays inside the contract.
import { Alert, Button, Group, List, ScrollArea, SegmentedControl, Stack, Text, TextInput } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react'
import { useState } from 'react'
import type { ParsedLineList } from '../../../shared/api/console'
import type { Scope } from '../../../shared/command/schema'
import { toE164 } from '../../../shared/domain/msisdn'
import { api, errorMessage } from '../../api/client'
import { count } from '../../lib/format'
import type { LineSelection } from '../../state/selection'

export type ScopeMode = 'sentence' | 'line' | 'account' | 'list' | 'selection'

export interface ScopeChooserProps {
  mode: ScopeMode
  onMode: (m: ScopeMode) => void
  /** the scope chosen here (null: not complete yet) */
  onScope: (s: Scope | null) => void
  selection: LineSelection | null
}

export function ScopeChooser({ mode, onMode, onScope, selection }: ScopeChooserProps) {
  const [line, setLine] = useState('')
  const [account, setAccount] = useState('')
  const [list, setList] = useState<ParsedLineList | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const pick = async (m: ScopeMode) => {
    onMode(m)
    setError(null)
    onScope(null)
    if (m === 'line' && toE164(line)) onScope({ kind: 'line', msisdn: toE164(line)! })
    if (m === 'account' && /^ACC-\d+$/i.test(account.trim())) onScope({ kind: 'account', account: account.trim().toUpperCase() })
    if (m === 'list' && list?.scope) onScope(list.scope)
    if (m === 'selection' && selection) {
      setBusy(true)
      try {
        onScope(await api.console.selectionScope.mutate({ lineIds: selection.lineIds, source: selection.label.slice(0, 255) }))
      } catch (e) {
        setError(errorMessage(e))
      } finally {
        setBusy(false)
      }
    }
  }

  const upload = async (files: File[]) => {
    const f = files[0]
    if (!f) return
    setBusy(true)
    setError(null)
    try {
      const parsed = await api.console.parseList.mutate({ text: await f.text(), filename: f.name })
      setList(parsed)
      onScope(parsed.scope)
      if (!parsed.scope) setError(`No row of ${f.name} is a line of this workspace.`)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const modes = [
    { value: 'sentence', label: 'As the sentence says' },
    { value: 'line', label: 'One line' },
    { value: 'account', label: 'Account' },
    { value: 'list', label: 'CSV list' },
    ...(selection ? [{ value: 'selection', label: `Grid selection (${count(selection.lineIds.length)})` }] : []),
  ]

  return (
    <Stack gap="xs" data-testid="scope-chooser">
      <SegmentedControl size="xs" data={modes} value={mode} onChange={(v) => void pick(v as ScopeMode)} aria-label="Scope" />
      {mode === 'line' && (
        <TextInput
          label="MSISDN"
          placeholder="(512) 555-0123"
          value={line}
          onChange={(e) => {
            setLine(e.currentTarget.value)
            const n = toE164(e.currentTarget.value)
            onScope(n ? { kind: 'line', msisdn: n } : null)
          }}
          error={line && !toE164(line) ? 'a 10-digit US number' : undefined}
        />
      )}
      {mode === 'account' && (
        <TextInput
          label="Account"
          placeholder="ACC-000123"
          value={account}
          onChange={(e) => {
            const v = e.currentTarget.value
            setAccount(v)
            onScope(/^ACC-\d+$/i.test(v.trim()) ? { kind: 'account', account: v.trim().toUpperCase() } : null)
          }}
        />
      )}
      {mode === 'list' && (
        <>
          <Dropzone onDrop={(f) => void upload(f)} accept={['text/csv', 'text/plain', 'application/vnd.ms-excel']} maxFiles={1} loading={busy} data-testid="csv-dropzone">
            <Group justify="center" gap="sm" mih={70} style={{ pointerEvents: 'none' }}>
              <IconUpload size={24} />
              <div>
                <Text size="sm">Drop a CSV of MSISDNs or ICCIDs here, or click to choose one</Text>
                <Text size="xs" c="dimmed">
                  The number column is found by its header (msisdn, phone, iccid…) or by its contents.
                </Text>
              </div>
            </Group>
          </Dropzone>
          {list && (
            <Alert color={list.bad.length || list.unknown.length ? 'yellow' : 'green'} icon={<IconFileSpreadsheet size={16} />} data-testid="csv-result">
              <Text size="sm">
                {list.source}: {count(list.rows)} rows read from “{list.column}” ({list.kind}) → {count(list.msisdns.length)} lines.
                {list.bad.length > 0 && ` ${count(list.bad.length)} bad rows.`}
                {list.unknown.length > 0 && ` ${count(list.unknown.length)} unknown numbers.`}
              </Text>
              {list.bad.length + list.unknown.length > 0 && (
                <ScrollArea.Autosize mah={160} mt="xs">
                  <List size="xs" spacing={2}>
                    {[...list.bad, ...list.unknown]
                      .sort((a, b) => a.row - b.row)
                      .slice(0, 200)
                      .map((r) => (
                        <List.Item key={`${r.row}-${r.reason}`}>
                          row {r.row}: {r.value ? `“${r.value}” — ` : ''}
                          {r.reason}
                        </List.Item>
                      ))}
                  </List>
                </ScrollArea.Autosize>
              )}
            </Alert>
          )}
        </>
      )}
      {mode === 'selection' && selection && (
        <Text size="sm" c="dimmed" data-testid="console-selection" data-count={selection.lineIds.length}>
          {selection.label}
        </Text>
      )}
      {busy && mode === 'selection' && <Button loading variant="subtle" size="xs" />}
      {error && (
        <Alert color="red" p="xs">
          {error}
        </Alert>
      )}
    </Stack>
  )
}
