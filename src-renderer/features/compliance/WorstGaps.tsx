/**
 * Open gaps, worst first: what needs attention, since when, and why. A gap keeps the value that
 * opened it; the application's page shows the value now, so each is labelled as which it is.
 */
import { Anchor, Badge, Table, Text } from '@mantine/core'
import { gapRequirementLabel, type Gap } from '../../../src-shared/domain/compliance'
import { formatMetricValue, formatThreshold } from '../../../src-shared/domain/metrics'
import { hrefOf } from '../../app/navigation'
import { SeverityBadge } from '../../components/SeverityBadge'
import { formatDate, formatDay } from '../../components/format'
import { WRAP_ANYWHERE } from '../../components/long-text'

export function gapValue(gap: Gap): string {
  if (gap.kind === 'missing_rule') return 'rule deleted'
  // A sign-off has no value to measure: the gap is the reviewer's verdict, or its absence.
  if (gap.requirement === 'attestation') return gap.kind === 'attestation' ? 'attested Non-Compliant' : 'sign-off missing'
  const value = gap.value === null ? 'no data' : formatMetricValue(gap.requirement, gap.value)
  return gap.threshold === null ? value : `${value} vs ${formatThreshold(gap.requirement, gap.threshold)}`
}

export function WorstGaps({ gaps, limit = 15 }: { gaps: readonly Gap[]; limit?: number }) {
  if (gaps.length === 0) return <Text c="dimmed" size="sm">No open gaps.</Text>
  return (
    <Table aria-label="Worst gaps" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Application</Table.Th>
          <Table.Th>Policy</Table.Th>
          <Table.Th>Requirement</Table.Th>
          <Table.Th>Value at opening</Table.Th>
          <Table.Th>Severity</Table.Th>
          <Table.Th>Open since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {gaps.slice(0, limit).map((gap) => (
          <Table.Tr key={gap.id} data-testid="gap-row" title={gap.reason}>
            <Table.Td>
              <Anchor href={hrefOf('applications', [gap.application_id])} style={WRAP_ANYWHERE}>
                {gap.application_name}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Anchor href={hrefOf('policies', [gap.policy_id])} style={WRAP_ANYWHERE}>
                {gap.policy_name}
              </Anchor>
            </Table.Td>
            <Table.Td>{gapRequirementLabel(gap.requirement)}</Table.Td>
            <Table.Td>{gapValue(gap)}</Table.Td>
            <Table.Td>
              <SeverityBadge severity={gap.severity} />
            </Table.Td>
            <Table.Td>
              {formatDate(gap.opened_at)}
              {gap.grace_until && gap.grace_until > new Date().toISOString() ? (
                <Badge ml="xs" size="xs" variant="outline">
                  in grace period until {formatDay(gap.grace_until)}
                </Badge>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
