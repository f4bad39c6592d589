// Placeholder until the console's history lands (the console engineer replaces this file).
import { IconHistory } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function HistoryScreen() {
  return (
    <ComingSoon
      title="History"
      icon={IconHistory}
      summary="Every batch run from the console: who, what, on which lines, and how each line came out."
      points={['Batches with their command and preview', 'Per-line results: applied, rejected, conflict', 'Undo where the action allows it']}
    />
  )
}
