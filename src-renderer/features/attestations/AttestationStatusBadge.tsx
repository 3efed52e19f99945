/** A reviewer's verdict as a badge, in the colours of the compliance statuses it speaks to. */
import { ATTESTATION_STATUS_LABELS, type AttestationStatus } from '../../../src-shared/domain/attestations'
import { FullLabelBadge } from '../../components/FullLabelBadge'

const COLOURS: Record<AttestationStatus, string> = { compliant: 'green', compliant_with_exceptions: 'blue', non_compliant: 'red' }

export function AttestationStatusBadge({ status }: { status: AttestationStatus }) {
  return (
    <FullLabelBadge color={COLOURS[status]} variant="light" data-testid="attestation-status">
      {ATTESTATION_STATUS_LABELS[status]}
    </FullLabelBadge>
  )
}
