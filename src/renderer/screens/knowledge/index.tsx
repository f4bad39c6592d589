// Placeholder until the knowledge screen lands.
import { IconBook } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function KnowledgeScreen() {
  return (
    <ComingSoon
      title="Knowledge"
      icon={IconBook}
      summary="The catalog and the rules operators work by, searchable from the palette."
      points={['Plans and add-ons with prices and buckets', 'Carrier rules (plan changes per month, suspension rules)', 'Care procedures and failure codes']}
    />
  )
}
