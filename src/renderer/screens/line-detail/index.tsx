import { IconUser } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function LineDetailScreen() {
  return <ComingSoon title="Line" icon={IconUser} summary="The line detail is being built." points={[]} />
}
