// "Restart to update": shown in the desktop app once electron-updater has downloaded a release in the background.
import { Alert, Button, Group, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import { onEvent } from '../api/client'
import { desktopBridge } from '../api/bridge'

export function UpdateBanner() {
  const [version, setVersion] = useState<string | null>(null)
  useEffect(() => onEvent((e) => e.type === 'update-downloaded' && setVersion(e.version)), [])
  const bridge = desktopBridge()
  if (!version || !bridge) return null
  return (
    <Alert color="blue" py={6} radius={0} data-testid="update-banner">
      <Group justify="space-between">
        <Text size="sm">Wingtel Ops {version} is ready to install.</Text>
        <Group gap="xs">
          <Button size="compact-sm" onClick={() => void bridge.restartToUpdate()}>
            Restart to update
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={() => setVersion(null)}>
            Later
          </Button>
        </Group>
      </Group>
    </Alert>
  )
}
