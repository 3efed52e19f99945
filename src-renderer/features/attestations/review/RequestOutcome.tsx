/** A request that is no longer open, read-only: who signed it off, when, with what verdict, notes and exceptions; or why it was withdrawn. */
import { Alert, Card, Group, Stack, Text, Title } from '@mantine/core'
import type { Attestation, AttestationRequest } from '../../../../src-shared/domain/attestations'
import { formatDate } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { AttestationStatusBadge } from '../AttestationStatusBadge'
import { ExceptionList } from '../ExceptionList'

export function RequestOutcome({ request, attestation }: { request: AttestationRequest; attestation?: Attestation }) {
  if (request.state === 'withdrawn') {
    return (
      <Alert variant="light" color="gray" title="Withdrawn" data-testid="request-outcome">
        Withdrawn on {formatDate(request.withdrawn_at)}: the policy was archived, or this rule was taken off it, so there is nothing to sign off.
      </Alert>
    )
  }
  return (
    <Card withBorder component="section" aria-labelledby="outcome-heading" data-testid="request-outcome">
      <Stack gap="xs">
        <Title order={3} id="outcome-heading">
          Signed off
        </Title>
        {attestation ? (
          <>
            <Group gap="xs">
              <AttestationStatusBadge status={attestation.status} />
              <Text size="sm">
                by {attestation.reviewer.name}, {formatDate(attestation.attested_at)} (version {attestation.policy_version})
              </Text>
            </Group>
            <Text size="sm" style={{ ...WRAP_ANYWHERE, whiteSpace: 'pre-wrap' }} c={attestation.notes ? undefined : 'dimmed'}>
              {attestation.notes ?? 'No notes.'}
            </Text>
            <ExceptionList exceptions={attestation.exceptions} />
          </>
        ) : (
          <Text size="sm">Signed off {formatDate(request.closed_at)}.</Text>
        )}
      </Stack>
    </Card>
  )
}
