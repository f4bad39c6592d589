import { IconUsers } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function SubscribersScreen() {
  return <ComingSoon title="Subscribers" icon={IconUsers} summary="The subscriber grid is being built." points={[]} />
}
