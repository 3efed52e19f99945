/** A policy's life-cycle state (draft, published, archived) as a badge, in the list and on its page. */
import type { Policy } from '../../src-shared/domain/policy'
import { FullLabelBadge } from './FullLabelBadge'

export function PolicyStatusBadge({ policy }: { policy: Pick<Policy, 'status' | 'archived'> }) {
  if (policy.archived) return <FullLabelBadge color="gray">archived</FullLabelBadge>
  return <FullLabelBadge color={policy.status === 'published' ? 'green' : 'yellow'}>{policy.status}</FullLabelBadge>
}
