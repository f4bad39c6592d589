import { Group, Paper, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'

/** A titled card of the line detail. */
export function Section({ title, extra, children, testId }: { title: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="md" h="100%" data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={5}>{title}</Title>
        {typeof extra === 'string' ? (
          <Text size="xs" c="dimmed">
            {extra}
          </Text>
        ) : (
          extra
        )}
      </Group>
      {children}
    </Paper>
  )
}
