/** The inbox table's columns: which policy and rule, for which period, due when, asked of whom, and where it stands. */
import { Text } from '@mantine/core'
import type { AttestationRequest } from '../../../src-shared/domain/attestations'
import { hrefOf } from '../../app/navigation'
import type { DataColumn } from '../../components/DataTable'
import { formatDate } from '../../components/format'
import { TruncatedText } from '../../components/TruncatedText'
import { describeAddressees, describeDue, formatPeriod } from './describe'
import { RequestStateBadge } from './RequestStateBadge'

export const REQUEST_SORTABLE = ['policy', 'rule', 'period', 'due', 'state']

/** When it was due, and how near or late that is; a closed request says when it closed instead. */
function Due({ request, now }: { request: AttestationRequest; now: number }) {
  const closed = request.state === 'done' || request.state === 'withdrawn'
  return (
    <>
      <TruncatedText size="sm">{formatDate(request.due_at)}</TruncatedText>
      <Text size="xs" c="dimmed">
        {closed ? `${request.state === 'done' ? 'signed off' : 'withdrawn'} ${formatDate(request.closed_at ?? request.withdrawn_at)}` : describeDue(request.due_at, now)}
      </Text>
    </>
  )
}

export function requestColumns(now: number): Array<DataColumn<AttestationRequest>> {
  return [
    {
      key: 'policy',
      header: 'Policy',
      width: '22%',
      sortKey: (request) => request.policy_name,
      // The link that opens the review: the row's click does the same for a pointer.
      cell: (request) => (
        <TruncatedText href={hrefOf('attestations', [request.id])} fw={500}>
          {request.policy_name}
        </TruncatedText>
      ),
    },
    { key: 'rule', header: 'Rule', width: '18%', sortKey: (request) => request.rule_name, cell: (request) => <TruncatedText>{request.rule_name}</TruncatedText> },
    {
      key: 'period',
      header: 'Period',
      width: '17%',
      sortKey: (request) => request.period_start,
      cell: (request) => <TruncatedText>{formatPeriod(request)}</TruncatedText>,
    },
    { key: 'due', header: 'Due', width: '17%', sortKey: (request) => request.due_at, cell: (request) => <Due request={request} now={now} /> },
    {
      key: 'reviewers',
      header: 'Reviewers',
      cell: (request) => <TruncatedText>{`${describeAddressees(request.reviewers)}${request.addressed_to_me ? ' · includes you' : ''}`}</TruncatedText>,
    },
    { key: 'state', header: 'State', width: 120, sortKey: (request) => request.state, cell: (request) => <RequestStateBadge state={request.state} /> },
  ]
}
