// What a screen that is not built yet shows: what it will do, so nobody wonders whether it is broken.
import { Container, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import type { Icon } from '@tabler/icons-react'

export function ComingSoon({ title, icon: IconCmp, summary, points }: { title: string; icon: Icon; summary: string; points: string[] }) {
  return (
    <Container size="sm" py="xl" data-testid="coming-soon" data-screen={title.toLowerCase()}>
      <Paper withBorder p="xl" radius="md">
        <Stack>
          <ThemeIcon size={48} radius="md" variant="light">
            <IconCmp size={28} stroke={1.5} />
          </ThemeIcon>
          <Title order={2}>{title}</Title>
          <Text>{summary}</Text>
          <Text size="sm" c="dimmed">
            Coming in this screen:
          </Text>
          <List size="sm" spacing={4}>
            {points.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Stack>
      </Paper>
    </Container>
  )
}
