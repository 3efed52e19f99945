/** Severity as a coloured badge, the same everywhere a requirement or rule is shown. */
import type { Severity } from '../../src-shared/domain/rules'
import { FullLabelBadge } from './FullLabelBadge'

const COLOURS: Record<Severity, string> = { critical: 'red', high: 'orange', medium: 'yellow', low: 'gray' }

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <FullLabelBadge color={COLOURS[severity]} variant="light" size="sm">
      {severity}
    </FullLabelBadge>
  )
}

export const SEVERITY_OPTIONS: Array<{ value: Severity; label: string }> = [
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
]
