import { createTheme, localStorageColorSchemeManager, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createHashRouter, Navigate, RouterProvider } from 'react-router'
import { DEFAULT_PATH, routes } from './routes'
import { AppLayout } from './shell/AppLayout'
import { routeFrame, ScreenError } from './shell/RouteFrame'
import { WorkspaceGate } from './shell/WorkspaceGate'

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
})

const colorSchemeManager = localStorageColorSchemeManager({ key: 'wingtel.color-scheme' })

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } } })

// Hash routing: the desktop app loads the renderer from file://.
const router = createHashRouter([
  {
    element: <AppLayout />,
    children: [{ index: true, element: <Navigate to={DEFAULT_PATH} replace /> }, ...routes.map((r) => ({ path: r.path, Component: routeFrame(r.path, r.component), ErrorBoundary: ScreenError })), { path: '*', element: <Navigate to={DEFAULT_PATH} replace /> }],
  },
])

export function App() {
  return (
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <WorkspaceGate>
          <RouterProvider router={router} />
        </WorkspaceGate>
      </QueryClientProvider>
    </MantineProvider>
  )
}
