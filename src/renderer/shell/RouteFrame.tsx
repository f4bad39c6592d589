// Wraps every routed screen: marks which route is on screen (data-route, for tests) and keeps a crashing screen inside
// the main area, with the navigation still usable, instead of taking the whole app down.
import { Alert, Code, Container, Text } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import type { ComponentType } from 'react'
import { useRouteError } from 'react-router'

export function routeFrame(path: string, Screen: ComponentType): ComponentType {
  const Framed = () => (
    <div data-route={path} style={{ display: 'contents' }}>
      <Screen />
    </div>
  )
  Framed.displayName = `Route(${path})`
  return Framed
}

export function ScreenError() {
  const error = useRouteError()
  const message = error instanceof Error ? error.message : String(error)
  return (
    <Container size="sm" py="xl" data-route-error>
      <Alert color="red" icon={<IconAlertTriangle />} title="This screen failed to load">
        <Text size="sm">The rest of the app still works: pick another screen, or reload (Ctrl+R).</Text>
        <Code block mt="sm">
          {message}
        </Code>
      </Alert>
    </Container>
  )
}
