/** A compliance status as a coloured badge, with the reference's labels. */
import { STATUS_LABELS, type ComplianceStatus } from '../../src-shared/domain/compliance'
import { FullLabelBadge } from './FullLabelBadge'

export const STATUS_COLOURS: Record<ComplianceStatus, string> = {
  compliant: 'green',
  warning: 'yellow',
  non_compliant: 'red',
  attestation_overdue: 'grape',
  pending: 'gray',
}

/** Worst first, as the engine ranks statuses when it takes an application's worst: for sorting by status. */
export const STATUS_ORDER: readonly ComplianceStatus[] = ['non_compliant', 'warning', 'attestation_overdue', 'pending', 'compliant']

export function StatusBadge({ status, graceUntil }: { status: ComplianceStatus | null; graceUntil?: string | null }) {
  if (!status) {
    return (
      <FullLabelBadge variant="outline" color="gray">
        Not covered
      </FullLabelBadge>
    )
  }
  return (
    <FullLabelBadge color={STATUS_COLOURS[status]} variant="light" title={graceUntil ? `In grace period until ${new Date(graceUntil).toLocaleDateString()}` : undefined}>
      {STATUS_LABELS[status]}
      {graceUntil ? ' · grace' : ''}
    </FullLabelBadge>
  )
}
