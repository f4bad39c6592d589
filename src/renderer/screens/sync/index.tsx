// Placeholder until sync lands (the sync engineer replaces this file).
import { IconRefresh } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function SyncScreen() {
  return (
    <ComingSoon
      title="Sync"
      icon={IconRefresh}
      summary="The connection between this workstation and the central ledger."
      points={['Sign in to Supabase or a Postgres backend', 'Bootstrap and incremental pulls with progress', 'The outbox: pending, rejected and conflicting operations']}
    />
  )
}
