/**
 * The exceptions an attestation granted, each with its application, requirement, justification and
 * end; an expired one stays on record, marked as expired, since the gap it covered has returned.
 */
import { Anchor, List, Text } from '@mantine/core'
import type { AttestationException } from '../../../src-shared/domain/attestations'
import { gapRequirementLabel, type GapRequirement } from '../../../src-shared/domain/compliance'
import { METRIC_KEYS } from '../../../src-shared/domain/metrics'
import { hrefOf } from '../../app/navigation'
import { FullLabelBadge } from '../../components/FullLabelBadge'
import { formatCalendarDate } from '../../components/format'
import { WRAP_ANYWHERE } from '../../components/long-text'

/** A requirement key as a person reads it; a key the catalogue does not know is shown as it is. */
export function requirementName(requirement: string): string {
  const known = requirement === 'attestation' || (METRIC_KEYS as readonly string[]).includes(requirement)
  return known ? gapRequirementLabel(requirement as GapRequirement) : requirement
}

export function ExceptionList({ exceptions }: { exceptions: readonly AttestationException[] }) {
  if (exceptions.length === 0) return null
  return (
    <List size="sm" spacing={4} listStyleType="none" aria-label="Exceptions" data-testid="exception-list">
      {exceptions.map((exception) => {
        const expired = exception.state === 'expired'
        return (
          <List.Item key={exception.id} data-testid="exception" data-state={exception.state}>
            <Text size="sm" span style={WRAP_ANYWHERE}>
              {/* Underlined: inside a sentence, colour alone does not tell a link apart (in dark mode barely). */}
              <Anchor href={hrefOf('applications', [exception.application_id])} size="sm" underline="always">
                {exception.application_name}
              </Anchor>
              {` · ${requirementName(exception.requirement)} — ${expired ? 'expired on' : 'until'} ${formatCalendarDate(exception.expiry_date)}: ${exception.justification}`}
            </Text>{' '}
            {expired ? (
              <FullLabelBadge color="gray" variant="outline" size="sm">
                Expired
              </FullLabelBadge>
            ) : null}
          </List.Item>
        )
      })}
    </List>
  )
}
