// When the local parser and the LLM read a sentence differently (issue 11), the console shows both readings side by
// side, each as its read-back (the command in plain English, rendered from the command) with its canonical text and
// counts, and commits neither until the operator picks one with "Use this".
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core'
import { IconArrowsSplit2, IconHandFinger } from '@tabler/icons-react'
import type { PreviewCandidate, PreviewResult } from '../../../shared/api/console'
import { count } from '../../lib/format'

const TIER: Record<string, string> = { local: 'Local parser', llm: 'LLM', canonical: 'Canonical text' }

export function CandidateCards({ preview, onPick }: { preview: PreviewResult; onPick: (c: PreviewCandidate) => void }) {
  return (
    <Stack gap="sm" data-testid="tier-disagreement">
      <Alert color="orange" icon={<IconArrowsSplit2 size={18} />} title="Two readings of this sentence">
        The local parser and the LLM disagree. Nothing is committed until you pick the one you meant.
      </Alert>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {preview.candidates.map((c) => (
          <Card key={c.previewId} withBorder padding="md" data-testid={`candidate-${c.parser}`}>
            <Stack gap="xs" h="100%">
              <Group justify="space-between">
                <Badge variant="light" color={c.parser === 'llm' ? 'grape' : 'indigo'}>
                  {TIER[c.parser] ?? c.parser}
                </Badge>
                <Text size="xs" c="dimmed">
                  {count(c.matched)} matched · {count(c.affected)} will change · {count(c.blocked)} blocked
                </Text>
              </Group>
              <Text size="lg" fw={600} data-testid="candidate-read-back">
                {c.readBack}
              </Text>
              <Text size="xs" ff="monospace" c="dimmed">
                {c.canonical}
              </Text>
              <Group justify="flex-end" mt="auto">
                <Button leftSection={<IconHandFinger size={16} />} onClick={() => onPick(c)} data-testid={`use-${c.parser}`}>
                  Use this
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  )
}
