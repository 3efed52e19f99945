/**
 * Where a policy's human sign-off stands for one application, when it needs saying: a deadline
 * passed without sign-off, or a reviewer attested Non-Compliance. Nothing when all is in order.
 */
import { Alert, Anchor, Stack, Text } from '@mantine/core'
import type { PolicyStatus } from '../../../src-shared/domain/compliance'
import { hrefOf } from '../../app/navigation'
import { formatDate } from '../../components/format'
import { WRAP_ANYWHERE } from '../../components/long-text'

export function AttestationStanding({ status }: { status: Pick<PolicyStatus, 'attestation' | 'policy_id'> }) {
  const { attestation } = status
  if (!attestation || (!attestation.overdue_since && !attestation.attested_non_compliant)) return null
  const attestations = (
    <Anchor href={hrefOf('policies', [status.policy_id], { tab: 'attestations' })} size="sm" underline="always">
      See the policy’s attestations
    </Anchor>
  )
  const against = attestation.attested_non_compliant
  return (
    <Stack gap="xs" mb="xs" data-testid="attestation-standing">
      {attestation.overdue_since ? (
        <Alert color="grape" variant="light" title="Attestation overdue">
          <Text size="sm">No reviewer signed this policy off by its deadline, {formatDate(attestation.overdue_since)}. {attestations}</Text>
        </Alert>
      ) : null}
      {against ? (
        <Alert color="red" variant="light" title="Attested Non-Compliant">
          <Text size="sm" style={WRAP_ANYWHERE}>
            {against.reviewer} attested this policy Non-Compliant on {formatDate(against.attested_at)}
            {against.notes ? `: “${against.notes}”` : '.'} It stays a gap until a later attestation says Compliant. {attestations}
          </Text>
        </Alert>
      ) : null}
    </Stack>
  )
}
