/** A request's state as a badge, the same in the inbox, on the review screen and on the policy's page. */
import type { RequestState } from '../../../src-shared/domain/attestations'
import { FullLabelBadge } from '../../components/FullLabelBadge'
import { REQUEST_STATE_COLOURS, REQUEST_STATE_LABELS } from './describe'

export function RequestStateBadge({ state }: { state: RequestState }) {
  return (
    <FullLabelBadge color={REQUEST_STATE_COLOURS[state]} variant="light" data-testid="request-state">
      {REQUEST_STATE_LABELS[state]}
    </FullLabelBadge>
  )
}
