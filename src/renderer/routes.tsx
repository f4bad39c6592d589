// The route table. Every screen is one line here: a hash-router path, its lazily loaded component and, when it belongs
// in the navigation, its label, icon and key (`g <key>` jumps there; the first five also get Ctrl/Cmd+1..5).
import { IconBook, IconHistory, IconRefresh, IconReportAnalytics, IconTerminal2, IconUsers, type Icon } from '@tabler/icons-react'
import { lazy, type ComponentType, type LazyExoticComponent } from 'react'

export interface AppRoute {
  path: string
  component: LazyExoticComponent<ComponentType>
  nav?: { label: string; icon: Icon; key: string; description: string; parent?: string }
}

export const routes: AppRoute[] = [
  { path: '/subscribers', component: lazy(() => import('./screens/subscribers')), nav: { label: 'Subscribers', icon: IconUsers, key: 's', description: 'Every line: filter, sort, search, export' } },
  { path: '/lines/:msisdn', component: lazy(() => import('./screens/line-detail')) },
  { path: '/console', component: lazy(() => import('./screens/console')), nav: { label: 'Console', icon: IconTerminal2, key: 'c', description: 'Commands over a cohort of lines' } },
  { path: '/history', component: lazy(() => import('./screens/history')), nav: { label: 'History', icon: IconHistory, key: 'h', description: 'Operations run from the console', parent: '/console' } },
  { path: '/reports', component: lazy(() => import('./screens/reports')), nav: { label: 'Reports', icon: IconReportAnalytics, key: 'r', description: 'Offline reports and exports' } },
  { path: '/knowledge', component: lazy(() => import('./screens/knowledge')), nav: { label: 'Knowledge', icon: IconBook, key: 'k', description: 'Plans, rules and procedures' } },
  { path: '/knowledge/:id', component: lazy(() => import('./screens/knowledge')) },
  { path: '/sync', component: lazy(() => import('./screens/sync')), nav: { label: 'Sync', icon: IconRefresh, key: 'y', description: 'Central ledger connection and outbox' } },
]

export const DEFAULT_PATH = '/subscribers'

/** Routes shown in the navigation, in table order. */
export const navRoutes = routes.filter((r): r is AppRoute & { nav: NonNullable<AppRoute['nav']> } => !!r.nav)

/** Top-level navigation entries (not nested under another), which get Ctrl/Cmd+1..N. */
export const topNavRoutes = navRoutes.filter((r) => !r.nav.parent)
