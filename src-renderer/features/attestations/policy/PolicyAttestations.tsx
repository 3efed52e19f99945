/**
 * The policy page's Attestations: when each attestation rule is next due, its current request
 * (with the way to review and sign it off), and every sign-off so far, newest first, with the
 * exceptions granted and those since expired marked.
 */
import { Alert, Button, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import type { Attestation, RuleSchedule } from '../../../../src-shared/domain/attestations'
import { hrefOf } from '../../../app/navigation'
import { formatDate } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { describeFrequency } from '../../rules/describe'
import { AttestationStatusBadge } from '../AttestationStatusBadge'
import { ExceptionList } from '../ExceptionList'
import { RequestStateBadge } from '../RequestStateBadge'
import { describeDue, formatPeriod } from '../describe'
import { usePolicyAttestations } from './policy-attestations-store'

function CurrentRequest({ schedule }: { schedule: RuleSchedule }) {
  const request = schedule.current_request
  if (!request) return <Text size="sm" c="dimmed">None open</Text>
  const signable = request.state === 'open' || request.state === 'overdue'
  return (
    <Stack gap={4} align="flex-start">
      <RequestStateBadge state={request.state} />
      <Text size="xs" c="dimmed">
        {formatPeriod(request)}
      </Text>
      <Button
        component="a"
        href={hrefOf('attestations', [request.id])}
        size="compact-sm"
        variant={signable ? 'filled' : 'default'}
        aria-label={`${signable ? 'Review and sign off' : 'View'}: ${schedule.name}`}
      >
        {signable ? 'Review and sign off' : 'View'}
      </Button>
    </Stack>
  )
}

function Schedules({ schedules, now }: { schedules: readonly RuleSchedule[]; now: number }) {
  return (
    <Table aria-label="Attestation schedule" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Rule</Table.Th>
          <Table.Th>Frequency</Table.Th>
          <Table.Th>Next due</Table.Th>
          <Table.Th>Signed off until</Table.Th>
          <Table.Th>Current request</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {schedules.map((schedule) => (
          <Table.Tr key={schedule.attestation_rule_id} data-testid="attestation-schedule-row">
            <Table.Td style={WRAP_ANYWHERE}>{schedule.name}</Table.Td>
            <Table.Td>{describeFrequency(schedule)}</Table.Td>
            <Table.Td data-testid="next-due">
              <Text size="sm">{formatDate(schedule.next_due_at)}</Text>
              <Text size="xs" c="dimmed">
                {describeDue(schedule.next_due_at, now)}
              </Text>
            </Table.Td>
            <Table.Td>{schedule.signed_off_until ? formatDate(schedule.signed_off_until) : <Text size="sm" c="dimmed">Not signed off</Text>}</Table.Td>
            <Table.Td>
              <CurrentRequest schedule={schedule} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function History({ history }: { history: readonly Attestation[] }) {
  if (history.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No one has signed this policy off yet.
      </Text>
    )
  }
  return (
    <Table aria-label="Attestation history" verticalSpacing="xs" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="16%">Attested</Table.Th>
          <Table.Th w="14%">Reviewer</Table.Th>
          <Table.Th w={240}>Status</Table.Th>
          <Table.Th>Notes</Table.Th>
          <Table.Th w="34%">Exceptions</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {history.map((attestation) => (
          <Table.Tr key={attestation.id} data-testid="attestation-history-row">
            <Table.Td>
              <Text size="sm">{formatDate(attestation.attested_at)}</Text>
              <Text size="xs" c="dimmed">
                version {attestation.policy_version}
              </Text>
            </Table.Td>
            <Table.Td style={WRAP_ANYWHERE}>{attestation.reviewer.name}</Table.Td>
            <Table.Td>
              <AttestationStatusBadge status={attestation.status} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" style={{ ...WRAP_ANYWHERE, whiteSpace: 'pre-wrap' }} c={attestation.notes ? undefined : 'dimmed'}>
                {attestation.notes ?? '—'}
              </Text>
            </Table.Td>
            <Table.Td>{attestation.exceptions.length ? <ExceptionList exceptions={attestation.exceptions} /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function PolicyAttestations({ policyId }: { policyId: string }) {
  const { policyId: shownId, schedules, history, loaded, loadedAt, error, open } = usePolicyAttestations()
  useEffect(() => {
    void open(policyId)
  }, [open, policyId])

  if (shownId !== policyId || !loaded) return <Text size="sm">Loading attestations…</Text>
  return (
    <Stack gap="xl" data-testid="policy-attestations">
      {error ? (
        <Alert color="red" title="Could not load the attestations">
          {error}
        </Alert>
      ) : null}
      <Stack gap="xs" component="section" aria-labelledby="attestation-schedule-heading">
        <Title order={4} id="attestation-schedule-heading">
          Schedule
        </Title>
        {schedules.length ? (
          <Schedules schedules={schedules} now={loadedAt} />
        ) : (
          <Text size="sm" c="dimmed">
            No attestation rule asks for sign-off{history.length ? ' any more' : ''}.
          </Text>
        )}
      </Stack>
      <Stack gap="xs" component="section" aria-labelledby="attestation-history-heading">
        <Title order={4} id="attestation-history-heading">
          History
        </Title>
        <History history={history} />
      </Stack>
    </Stack>
  )
}
