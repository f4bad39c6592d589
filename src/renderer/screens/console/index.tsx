// The operator command console: a sentence (Enter parses it and previews), which parser tier answered, the canonical
// text (editable, parsed back on Enter), the scope (as said, or a line, an account, a CSV list, the grid selection),
// the preview with its blocked reasons, money and lines, and the commit (or a draft for roles that do not commit).
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core'
import { IconArrowBack, IconBolt, IconCircleCheck, IconTerminal2 } from '@tabler/icons-react'
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { Link } from 'react-router'
import type { CommitResult, ConsoleParseResult, ParserTier, PreviewCandidate, PreviewResult } from '../../../shared/api/console'
import type { Command, Scope } from '../../../shared/command/schema'
import { api, errorMessage } from '../../api/client'
import { getSelection, subscribeSelection } from '../../state/selection'
import { CandidateCards } from './CandidateCards'
import { takeDraft } from './handoff'
import { PreviewPanel } from './PreviewPanel'
import { ScopeChooser, type ScopeMode } from './ScopeChooser'
import { RoleSwitcher, useSession } from './session'

const TIER_LABEL: Record<string, string> = { local: 'local parser', llm: 'LLM', canonical: 'canonical text' }

type Alternative = { command: Command; parser: ParserTier }

export default function ConsoleScreen() {
  const selection = useSyncExternalStore(subscribeSelection, getSelection)
  const session = useSession()
  const [sentence, setSentence] = useState('')
  const [canonical, setCanonical] = useState('')
  const [parsed, setParsed] = useState<ConsoleParseResult | null>(null)
  const [scopeMode, setScopeMode] = useState<ScopeMode>(selection ? 'selection' : 'sentence')
  const [scopeOverride, setScopeOverride] = useState<Scope | null>(null)
  const [preview, setPreview] = useState<PreviewResult | null>(null)
  const [done, setDone] = useState<CommitResult | null>(null)
  const [busy, setBusy] = useState<'parse' | 'preview' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const sentenceRef = useRef<HTMLTextAreaElement>(null)

  useEffect(() => sentenceRef.current?.focus(), [])

  const runPreview = (cmd: Command, text: string, tier: ConsoleParseResult['tier'], alternatives: Alternative[] = []) =>
    runPreviewFor(cmd, text, tier, scopeMode, scopeOverride, alternatives)

  const runPreviewFor = async (cmd: Command, text: string, tier: ConsoleParseResult['tier'], mode: ScopeMode, override: Scope | null, alternatives: Alternative[] = []) => {
    const scoped = (x: Command) => (mode === 'sentence' ? x : override ? ({ ...x, scope: override } as Command) : null)
    const c = scoped(cmd)
    if (!c) {
      setPreview(null)
      return
    }
    setBusy('preview')
    setError(null)
    try {
      const alts = alternatives.flatMap((a) => {
        const x = scoped(a.command)
        return x ? [{ command: x, parser: a.parser }] : []
      })
      const p = await api.console.preview.mutate({ sentence: text, command: c, parser: tier, alternatives: alts })
      setPreview(p)
      setCanonical(p.canonical)
    } catch (e) {
      setError(errorMessage(e))
      setPreview(null)
    } finally {
      setBusy(null)
    }
  }

  const parseAndPreview = async (text: string, tier: 'auto' | 'canonical') => {
    if (!text.trim()) return
    setBusy('parse')
    setError(null)
    setDone(null)
    try {
      const r = await api.console.parse.mutate({ text, tier })
      setParsed(r)
      if (!r.ok) {
        setPreview(null)
        setBusy(null)
        return
      }
      setCanonical(r.canonical)
      // two tiers that disagree: both readings are previewed, and the operator picks one
      const [first, ...rest] = r.candidates ?? [{ command: r.command, tier: r.tier }]
      await runPreview(first.command, tier === 'canonical' && sentence.trim() === '' ? text : sentence || text, first.tier, rest.map((c) => ({ command: c.command, parser: c.tier })))
    } catch (e) {
      setError(errorMessage(e))
      setBusy(null)
    }
  }

  // a draft opened from History: its canonical text, previewed again on today's data
  useEffect(() => {
    const d = takeDraft()
    if (!d) return
    setScopeMode('sentence')
    setSentence(d.sentence)
    setCanonical(d.canonical)
    void (async () => {
      setBusy('parse')
      const r = await api.console.parse.mutate({ text: d.canonical, tier: 'canonical' }).catch((e: unknown) => {
        setError(errorMessage(e))
        return null
      })
      setBusy(null)
      if (!r) return
      setParsed(r)
      if (r.ok) await runPreviewFor(r.command, d.sentence || d.canonical, r.tier, 'sentence', null)
    })()
  }, [])

  const alternativesOf = (r: ConsoleParseResult | null): Alternative[] => (r?.ok && r.candidates ? r.candidates.slice(1).map((c) => ({ command: c.command, parser: c.tier })) : [])
  const firstOf = (r: Extract<ConsoleParseResult, { ok: true }>) => r.candidates?.[0] ?? r
  // a new scope re-previews the parsed command
  useEffect(() => {
    if (parsed?.ok) void runPreview(firstOf(parsed).command, sentence, firstOf(parsed).tier, alternativesOf(parsed))
  }, [scopeMode, scopeOverride])
  // a new role changes whether the preview can be committed
  useEffect(() => {
    if (parsed?.ok && preview) void runPreview(firstOf(parsed).command, sentence, firstOf(parsed).tier, alternativesOf(parsed))
  }, [session.data?.user?.role])

  // "Use this" on one reading: it becomes the parse, previewed alone
  const pick = (c: PreviewCandidate) => {
    const chosen = preview?.candidates.find((x) => x.previewId === c.previewId)
    const cand = parsed?.ok ? parsed.candidates?.find((x) => x.canonical === chosen?.canonical) : undefined
    if (!parsed?.ok || !cand) return
    setParsed({ ...parsed, command: cand.command, canonical: cand.canonical, tier: cand.tier, readBack: cand.readBack, candidates: undefined, warnings: [] })
    setCanonical(cand.canonical)
    void runPreview(cand.command, sentence, cand.tier)
  }

  const ok = parsed?.ok ? parsed : null
  const failed = parsed && !parsed.ok ? parsed : null

  return (
    <Stack p="md" gap="md" maw={1400} data-testid="console-screen">
      <Group justify="space-between">
        <Group gap="xs">
          <IconTerminal2 size={22} />
          <Title order={3}>Console</Title>
        </Group>
        <RoleSwitcher />
      </Group>

      {!session.data?.user && session.isSuccess && (
        <Alert color="blue" p="xs">
          Pick a demo user above to sign in: operator and admin commit; analyst, agent and finance save drafts.
        </Alert>
      )}

      <Card withBorder>
        <Stack gap="sm">
          <Textarea
            ref={sentenceRef}
            label="What should happen?"
            description="Plain words or canonical text. Enter previews; Shift+Enter adds a line."
            placeholder="Suspend all lines with more than 3 consecutive failed payments"
            autosize
            minRows={2}
            value={sentence}
            onChange={(e) => setSentence(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault()
                void parseAndPreview(sentence, 'auto')
              }
            }}
            data-testid="console-sentence"
          />
          <Group gap="xs">
            <Button leftSection={<IconBolt size={16} />} onClick={() => void parseAndPreview(sentence, 'auto')} loading={busy !== null} data-testid="console-run">
              Preview
            </Button>
            {parsed && (
              <Badge variant="light" color={parsed.ok ? 'indigo' : 'red'} data-testid="parse-tier">
                answered by the {TIER_LABEL[parsed.tier] ?? parsed.tier} · {parsed.elapsedMs} ms
              </Badge>
            )}
          </Group>

          {failed && (
            <Alert color="red" title={failed.error} data-testid="parse-error">
              {failed.suggestion && <Text size="sm">Try: {failed.suggestion}</Text>}
            </Alert>
          )}
          {ok?.warnings.map((w) => (
            <Alert key={w} color="yellow" p="xs">
              {w}
            </Alert>
          ))}

          {ok && (
            <TextInput
              label="Canonical command"
              description="Edit and press Enter to parse it back."
              value={canonical}
              onChange={(e) => setCanonical(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault()
                  void parseAndPreview(canonical, 'canonical')
                }
              }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="console-canonical"
            />
          )}

          <ScopeChooser
            mode={scopeMode}
            onMode={setScopeMode}
            onScope={setScopeOverride}
            selection={selection}
          />
        </Stack>
      </Card>

      {error && (
        <Alert color="red" title="Could not preview" data-testid="console-error">
          {error}
        </Alert>
      )}

      {done && (
        <Alert color={done.kind === 'draft' ? 'blue' : 'green'} icon={<IconCircleCheck size={18} />} title={done.kind === 'draft' ? 'Draft saved' : 'Committed'} data-testid="commit-done">
          <Stack gap={4}>
            <Text size="sm">{done.message}</Text>
            <Group gap="xs">
              <Text size="sm" ff="monospace">
                {done.batchId}
              </Text>
              <Badge variant="light" color={done.status === 'pending' ? 'blue' : 'gray'}>
                {done.status}
              </Badge>
              <Anchor component={Link} to="/history" size="sm">
                Open the history
              </Anchor>
            </Group>
          </Stack>
        </Alert>
      )}

      {preview && !done && preview.candidates.length > 0 && <CandidateCards preview={preview} onPick={pick} />}
      {preview && !done && preview.candidates.length === 0 && (
        <Card withBorder>
          <PreviewPanel
            preview={preview}
            onDone={(r) => {
              setDone(r)
              setPreview(null)
            }}
            onStale={() => ok && void runPreview(ok.command, sentence, ok.tier)}
          />
        </Card>
      )}
      {done && ok && (
        <Group>
          <Button variant="default" leftSection={<IconArrowBack size={16} />} onClick={() => void parseAndPreview(sentence || canonical, sentence ? 'auto' : 'canonical')}>
            Preview again
          </Button>
        </Group>
      )}
    </Stack>
  )
}
