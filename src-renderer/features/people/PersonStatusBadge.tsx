/** Whether a person is active, and since when they are not. */
import { Badge, Text } from '@mantine/core'
import type { User } from '../../../src-shared/domain/people'
import { formatDate, formatDay } from '../../components/format'

export function PersonStatusBadge({ user }: { user: User }) {
  // Only the exception is a badge, so the few inactive people stand out in a long list.
  if (user.active) return <Text size="sm">Active</Text>
  return (
    <Badge
      variant="light"
      color="gray"
      size="sm"
      title={`Deactivated ${formatDate(user.deactivated_at)}`}
      // A badge truncates to fit its cell; the date is the point of this one.
      styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
    >
      Inactive since {formatDay(user.deactivated_at)}
    </Badge>
  )
}
