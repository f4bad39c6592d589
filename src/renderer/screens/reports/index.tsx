// Reports: the drag-and-drop builder with saved reports, the read-only SQL runner, the prebuilt dashboards and the
// month-end finance export. Everything runs offline on the local store, relative to the workspace's as-of date.
import { Tabs } from '@mantine/core'
import { IconChartBar, IconDatabase, IconLayoutDashboard, IconReceipt2 } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { api } from '../../api/client'
import { Builder } from './Builder'
import { Dashboards } from './Dashboards'
import { Finance } from './Finance'
import { SqlRunner } from './SqlRunner'

export default function ReportsScreen() {
  const [tab, setTab] = useState<string | null>('builder')
  const [asOf, setAsOf] = useState<string | null>(null)
  useEffect(() => {
    api.workspace.status.query().then((s) => setAsOf(s.asOf), () => setAsOf(null))
  }, [])
  return (
    <Tabs value={tab} onChange={setTab} keepMounted={false} data-testid="reports-screen">
      <Tabs.List px="md">
        <Tabs.Tab value="builder" leftSection={<IconChartBar size={16} />}>Report builder</Tabs.Tab>
        <Tabs.Tab value="dashboards" leftSection={<IconLayoutDashboard size={16} />}>Dashboards</Tabs.Tab>
        <Tabs.Tab value="sql" leftSection={<IconDatabase size={16} />}>SQL</Tabs.Tab>
        <Tabs.Tab value="finance" leftSection={<IconReceipt2 size={16} />}>Finance export</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="builder"><Builder /></Tabs.Panel>
      <Tabs.Panel value="dashboards"><Dashboards /></Tabs.Panel>
      <Tabs.Panel value="sql"><SqlRunner /></Tabs.Panel>
      <Tabs.Panel value="finance"><Finance asOf={asOf} /></Tabs.Panel>
    </Tabs>
  )
}
