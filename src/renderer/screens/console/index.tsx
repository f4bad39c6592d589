// Placeholder until the console lands (the console engineer replaces this file). It shows the selection handed over
// from the subscriber grid, so that hand-off is visible today.
import { Alert } from '@mantine/core'
import { IconTerminal2 } from '@tabler/icons-react'
import { useSyncExternalStore } from 'react'
import { ComingSoon } from '../../shell/ComingSoon'
import { getSelection, subscribeSelection } from '../../state/selection'

export default function ConsoleScreen() {
  const selection = useSyncExternalStore(subscribeSelection, getSelection)
  return (
    <>
      {selection && (
        <Alert m="md" title="Lines received from Subscribers" data-testid="console-selection">
          {selection.label} ({selection.lineIds.length.toLocaleString('en-US')} lines)
        </Alert>
      )}
      <ComingSoon
        title="Console"
        icon={IconTerminal2}
        summary="Say what should happen to which lines, in plain words; review the preview; run it as one batch."
        points={[
          'Natural-language commands turned into a checked command (suspend, restore, change plan, add-ons, credits)',
          'A preview of every affected line with the rules that would refuse some of them',
          'Runs queued locally and pushed to the central ledger by Sync',
          'Cohorts from the subscriber grid selection',
        ]}
      />
    </>
  )
}
