// Knowledge: a support agent asks about a line in plain words ("why was 512-555-0123 suspended?") and gets an answer
// built from the local store, with the evidence and links to open; plus the policy articles those answers cite.
import { Alert, Anchor, Box, Badge, Button, Card, Grid, Group, Loader, NavLink, ScrollArea, Stack, Text, TextInput, Timeline, Title } from '@mantine/core'
import { IconAlertTriangle, IconBook, IconSearch } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router'
import type { Answer, Article } from '../../../shared/api/knowledge'
import { api, errorMessage } from '../../api/client'

const EXAMPLES = ['why was line 512-555-0123 suspended?', 'why is the bill higher for ACC-000123?', 'was the card declined for (737) 555-0199?']

export default function KnowledgeScreen() {
  const { id } = useParams()
  const navigate = useNavigate()
  const [question, setQuestion] = useState('')
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [articles, setArticles] = useState<Array<{ id: string; title: string; tags: string }>>([])
  const [filter, setFilter] = useState('')
  const [article, setArticle] = useState<Article | null>(null)

  useEffect(() => {
    api.knowledge.articles.query({ query: filter }).then(setArticles, (e) => setError(errorMessage(e)))
  }, [filter])

  useEffect(() => {
    if (!id) return setArticle(null)
    api.knowledge.article.query({ id }).then(setArticle, (e) => setError(errorMessage(e)))
  }, [id])

  const ask = async (q = question) => {
    if (!q.trim()) return
    setQuestion(q)
    setBusy(true)
    setError(null)
    try {
      setAnswer(await api.knowledge.ask.query({ question: q }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Box p="md" data-screen="knowledge">
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack>
          <Title order={3}>Ask about a line</Title>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              flex={1}
              label="Question"
              placeholder="why was line 512-555-0123 suspended?"
              value={question}
              onChange={(e) => setQuestion(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && void ask()}
              data-testid="ask-input"
            />
            <Button onClick={() => void ask()} loading={busy} leftSection={<IconSearch size={16} />}>
              Ask
            </Button>
          </Group>
          {!answer && (
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                Try:
              </Text>
              {EXAMPLES.map((ex) => (
                <Anchor key={ex} size="sm" onClick={() => void ask(ex)}>
                  {ex}
                </Anchor>
              ))}
            </Group>
          )}
          {error && (
            <Alert color="red" icon={<IconAlertTriangle />} title="Could not answer">
              {error}
            </Alert>
          )}
          {busy && <Loader size="sm" />}
          {answer && <AnswerCard answer={answer} onArticle={(a) => navigate(`/knowledge/${a}`)} />}
          {article && (
            <Card withBorder padding="lg" data-testid="article">
              <Title order={4}>{article.title}</Title>
              <Stack gap={6} mt="sm">
                {article.body.split('\n').map((p, i) => (
                  <Text key={i} size="sm">
                    {p}
                  </Text>
                ))}
              </Stack>
            </Card>
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card withBorder padding="sm">
          <Group gap="xs" mb="xs">
            <IconBook size={18} />
            <Text fw={600}>Articles</Text>
          </Group>
          <TextInput size="xs" placeholder="Filter articles" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} mb="xs" />
          <ScrollArea.Autosize mah={520}>
            {articles.map((a) => (
              <NavLink key={a.id} label={a.title} description={a.tags.split(',').join(' · ')} active={a.id === id} onClick={() => navigate(`/knowledge/${a.id}`)} />
            ))}
          </ScrollArea.Autosize>
        </Card>
      </Grid.Col>
    </Grid>
    </Box>
  )
}

function AnswerCard({ answer, onArticle }: { answer: Answer; onArticle: (id: string) => void }) {
  return (
    <Card withBorder padding="lg" data-testid="answer">
      <Group gap="xs" mb="sm">
        <Badge variant="light">{answer.intent}</Badge>
        {answer.subject && <Badge variant="outline">{answer.subject}</Badge>}
        <Badge variant="dot" color="gray">
          answered locally
        </Badge>
      </Group>
      <Stack gap={6}>
        {answer.answer.map((s, i) => (
          <Text key={i}>{s}</Text>
        ))}
      </Stack>
      {answer.evidence.length > 0 && (
        <>
          <Text fw={600} mt="md" mb="xs" size="sm">
            Evidence
          </Text>
          <Timeline bulletSize={12} lineWidth={2}>
            {answer.evidence.map((e, i) => (
              <Timeline.Item key={i} title={<Text size="sm">{e.href ? <Anchor href={e.href}>{e.text}</Anchor> : e.text}</Text>}>
                <Text size="xs" c="dimmed">
                  {e.at.slice(0, 10)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
      {(answer.links.length > 0 || answer.articles.length > 0) && (
        <Group mt="md" gap="sm">
          {answer.links.map((l) => (
            <Button key={l.href} component="a" href={l.href} size="xs" variant="light">
              {l.label}
            </Button>
          ))}
          {answer.articles.map((a) => (
            <Button key={a.id} size="xs" variant="subtle" leftSection={<IconBook size={14} />} onClick={() => onArticle(a.id)}>
              {a.title}
            </Button>
          ))}
        </Group>
      )}
    </Card>
  )
}
