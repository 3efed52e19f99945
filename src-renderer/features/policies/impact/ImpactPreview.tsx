/**
 * What a policy change would do, worked out by the engine on current data and written nowhere:
 * per application, the coverage change, the rules added, changed or removed, and its status before
 * and after; above them, how many applications change status, and from what to what.
 */
import { Badge, Group, Loader, Stack, Table, Text } from '@mantine/core'
import type { Impact, ImpactEntry } from '../../../../src-shared/domain/compliance'
import { METRIC_BY_KEY } from '../../../../src-shared/domain/metrics'
import { StatusBadge } from '../../../components/StatusBadge'
import { formatCondition } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { statusWordLabel, type StatusWord } from './status-changes'

function ruleChanges(entry: ImpactEntry): string[] {
  const label = (requirement: keyof typeof METRIC_BY_KEY) => METRIC_BY_KEY[requirement].label
  return [
    ...entry.rules_added.map((r) => `+ ${label(r.requirement)} ${formatCondition(r.requirement, r.operator, r.threshold)}`),
    ...entry.rules_changed.map(
      (r) => `${label(r.requirement)} ${formatCondition(r.requirement, r.before.operator, r.before.threshold)} → ${formatCondition(r.requirement, r.after.operator, r.after.threshold)}${r.before.severity !== r.after.severity ? ` (${r.before.severity} → ${r.after.severity})` : ''}`,
    ),
    ...entry.rules_removed.map((r) => `− ${label(r.requirement)}`),
  ]
}

const changes = (entry: ImpactEntry) =>
  ruleChanges(entry).length > 0 || entry.status_before !== entry.status_after || entry.coverage === 'added' || entry.coverage === 'removed'

function StatusWordBadge({ word }: { word: StatusWord }) {
  if (word === null) {
    return (
      <Badge variant="outline" color="gray">
        {statusWordLabel(word)}
      </Badge>
    )
  }
  return <StatusBadge status={word} />
}

function Summary({ impact, loading }: { impact: Impact; loading?: boolean }) {
  const { summary } = impact
  const moves = summary.status_changes
  const moved = summary.statuses_changing
  return (
    <Stack gap={4} mb="xs">
      <Group gap="xs" data-testid="impact-summary">
        <Text size="sm" fw={600}>
          Impact on current data
        </Text>
        <Badge variant="light">{summary.rules_added} rules added</Badge>
        <Badge variant="light">{summary.rules_changed} changed</Badge>
        <Badge variant="light">{summary.rules_removed} removed</Badge>
        <Badge variant="light" color={moved > 0 ? 'blue' : 'gray'}>
          {moved} {moved === 1 ? 'application changes' : 'applications change'} status
        </Badge>
        <Badge variant="light" color={summary.newly_failing > 0 ? 'red' : 'gray'}>
          {summary.newly_failing} newly failing
        </Badge>
        {loading ? <Loader size="xs" /> : null}
      </Group>
      {moves.map((move) => (
        <Text key={`${move.from}>${move.to}`} size="xs" data-testid="impact-status-change">
          {statusWordLabel(move.from)} → {statusWordLabel(move.to)}: {move.applications} {move.applications === 1 ? 'application' : 'applications'}
        </Text>
      ))}
    </Stack>
  )
}

export function ImpactPreview({ impact, loading }: { impact?: Impact; loading?: boolean }) {
  if (!impact) return loading ? <Loader size="sm" /> : null
  const affected = impact.applications.filter(changes)
  return (
    <div>
      <Summary impact={impact} loading={loading} />
      {affected.length === 0 ? (
        <Text size="sm" c="dimmed">
          No application changes.
        </Text>
      ) : (
        <Table aria-label="Impact by application" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Application</Table.Th>
              <Table.Th>Rules</Table.Th>
              <Table.Th>Status now → after</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {affected.map((entry) => (
              <Table.Tr key={entry.application_id} data-testid="impact-row" data-coverage={entry.coverage}>
                <Table.Td style={WRAP_ANYWHERE}>
                  {entry.application_name}
                  {entry.coverage === 'added' || entry.coverage === 'removed' ? (
                    <Badge ml={4} size="xs" variant="outline">
                      {entry.coverage}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {ruleChanges(entry).map((line) => (
                    <Text key={line} size="xs">
                      {line}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" data-testid="impact-status">
                    <StatusWordBadge word={entry.status_before} />→<StatusWordBadge word={entry.status_after} />
                  </Group>
                  {entry.failing_after.length > 0 ? (
                    <Text size="xs" c="red">
                      failing: {entry.failing_after.map((metric) => METRIC_BY_KEY[metric].label).join(', ')}
                    </Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  )
}
