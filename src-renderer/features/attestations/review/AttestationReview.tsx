/**
 * One attestation request under review (`#/attestations/atq_…`): what is asked and by when, the
 * policy's evidence on every covered application, and beside it the sign-off form, or, once the
 * request is closed, its outcome.
 */
import { Alert, Anchor, Grid, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useCallback, useEffect, useState } from 'react'
import { ATTESTATION_STATUS_LABELS } from '../../../../src-shared/domain/attestations'
import { hrefOf, useNavigation } from '../../../app/navigation'
import { useReminders } from '../../../app/reminders'
import { notifyDone } from '../../../components/feedback'
import { formatDate } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { describeAddressees, describeDue, formatPeriod } from '../describe'
import { RequestStateBadge } from '../RequestStateBadge'
import { EvidencePanel } from './EvidencePanel'
import { RequestOutcome } from './RequestOutcome'
import { useReview } from './review-store'
import { SignOffForm } from './SignOffForm'
import { useSignOff } from './sign-off-store'
import { Fact } from '../../../components/Fact'

export function AttestationReview({ requestId }: { requestId: string }) {
  const { request, evidence, gaps, attestation, loadedAt, error, open } = useReview()
  const { begin, addException, submit } = useSignOff()
  const go = useNavigation((state) => state.go)
  const [focusRow, setFocusRow] = useState<number>()
  const clearFocus = useCallback(() => setFocusRow(undefined), [])

  useEffect(() => {
    begin(requestId)
    void open(requestId)
  }, [begin, open, requestId])

  const back = (
    <Anchor href={hrefOf('attestations')} size="sm" style={{ alignSelf: 'flex-start' }}>
      ← Attestation inbox
    </Anchor>
  )
  if (error && request?.id !== requestId) {
    return (
      <Stack>
        {back}
        <Alert color="red" title="Could not open this request">
          {error}
        </Alert>
      </Stack>
    )
  }
  if (!request || request.id !== requestId) return <Loader aria-label="Loading the request" />

  const signable = request.state === 'open' || request.state === 'overdue'

  async function signOff() {
    if (!request) return
    const attested = await submit(request)
    if (!attested) return
    notifyDone(`Signed off ${attested.policy_name}: ${ATTESTATION_STATUS_LABELS[attested.status]}${attested.exceptions.length ? `, with ${attested.exceptions.length} ${attested.exceptions.length === 1 ? 'exception' : 'exceptions'}` : ''}.`)
    // Not left to the change notice alone: the inbox it returns to should not show the old count for a moment.
    void useReminders.getState().refresh()
    go('attestations')
  }

  return (
    <Stack>
      {back}
      <div>
        <Group gap="xs">
          <Title order={2} style={WRAP_ANYWHERE}>
            {request.policy_name}
          </Title>
          <RequestStateBadge state={request.state} />
        </Group>
        <Text size="sm" c="dimmed" style={WRAP_ANYWHERE}>
          {request.rule_name} · <Anchor href={hrefOf('policies', [request.policy_id], { tab: 'attestations' })} size="sm" underline="always">the policy’s attestations</Anchor>
        </Text>
      </div>
      <SimpleGrid cols={{ base: 2, md: 5 }} aria-label="Request details">
        <Fact label="Period">{formatPeriod(request)}</Fact>
        <Fact label="Due">
          {formatDate(request.due_at)}
          {signable ? ` (${describeDue(request.due_at, loadedAt)})` : ''}
        </Fact>
        <Fact label="Reviewers">{describeAddressees(request.reviewers)}</Fact>
        <Fact label="Escalation">{describeAddressees(request.escalation_path)}</Fact>
        <Fact label="When overdue">{request.blocking === 'block' ? 'Blocks deployments' : 'Warns only'}</Fact>
      </SimpleGrid>
      {error ? <Alert color="red">{error}</Alert> : null}
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <EvidencePanel
            evidence={evidence}
            gaps={gaps}
            onExcept={
              signable
                ? (applicationId, requirement) => {
                    setFocusRow(addException({ application_id: applicationId, requirement }))
                  }
                : undefined
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          {signable ? (
            <SignOffForm request={request} evidence={evidence} now={loadedAt} focusRow={focusRow} onFocused={clearFocus} onSubmit={() => void signOff()} />
          ) : (
            <RequestOutcome request={request} attestation={attestation} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  )
}
