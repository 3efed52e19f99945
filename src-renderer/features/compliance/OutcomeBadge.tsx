/** How one requirement fared, as a badge: on an application's page and in a review's evidence. */
import type { RequirementOutcome } from '../../../src-shared/domain/compliance'
import { FullLabelBadge } from '../../components/FullLabelBadge'

const OUTCOMES: Record<RequirementOutcome, { label: string; color: string }> = {
  pass: { label: 'Pass', color: 'green' },
  breach: { label: 'Breach', color: 'red' },
  no_data: { label: 'No data', color: 'gray' },
  missing_rule: { label: 'Missing rule', color: 'red' },
  // Neither a pass nor a breach: a failure a reviewer accepted for a while, and will come back.
  excepted: { label: 'Excepted', color: 'blue' },
}

export function OutcomeBadge({ outcome }: { outcome: RequirementOutcome }) {
  return (
    <FullLabelBadge color={OUTCOMES[outcome].color} variant="light">
      {OUTCOMES[outcome].label}
    </FullLabelBadge>
  )
}
