import { Badge, type BadgeProps } from '@mantine/core'
import { statusColor } from './format'

/** A status as a colored badge; neutral statuses get the outlined default look, readable in both themes. */
export function StatusBadge({ status, ...props }: { status: string } & Omit<BadgeProps, 'color' | 'variant' | 'children'>) {
  const color = statusColor(status)
  return (
    <Badge color={color} variant={color === 'gray' ? 'default' : 'light'} data-status={status} {...props}>
      {status.replace(/_/g, ' ')}
    </Badge>
  )
}
