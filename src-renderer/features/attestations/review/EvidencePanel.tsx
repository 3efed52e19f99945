/**
 * The policy's evidence as it stands now, per covered application: its status, each requirement's
 * value against its threshold, and its open gaps, so the reviewer can judge without leaving. The
 * applications needing attention come first.
 */
import { Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useMemo, useState } from 'react'
import { STATUS_LABELS, gapRequirementLabel, type Gap, type PolicyStatus, type RequirementResult } from '../../../../src-shared/domain/compliance'
import { METRIC_BY_KEY, formatMetricValue } from '../../../../src-shared/domain/metrics'
import { hrefOf } from '../../../app/navigation'
import { SeverityBadge } from '../../../components/SeverityBadge'
import { STATUS_ORDER, StatusBadge } from '../../../components/StatusBadge'
import { formatCondition, formatDate } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { OutcomeBadge } from '../../compliance/OutcomeBadge'
import { RequirementReason } from '../../compliance/RequirementReason'
import { gapValue } from '../../compliance/WorstGaps'

/** Drawn at first; a policy covering hundreds of applications shows the rest on request. */
const FIRST_SHOWN = 25

/** Outcomes a reviewer may accept for a while with an exception. */
const EXCEPTABLE: ReadonlySet<RequirementResult['outcome']> = new Set(['breach', 'no_data', 'missing_rule'])

interface Props {
  evidence: readonly PolicyStatus[]
  gaps: readonly Gap[]
  /** Offered beside each failing requirement while the request can still be signed off. */
  onExcept?(applicationId: string, requirement: string): void
}

function summary(evidence: readonly PolicyStatus[]): string {
  const counts = new Map<string, number>()
  for (const status of evidence) counts.set(status.status, (counts.get(status.status) ?? 0) + 1)
  const parts = STATUS_ORDER.filter((status) => counts.has(status)).map((status) => `${counts.get(status)} ${STATUS_LABELS[status]}`)
  return `${evidence.length} ${evidence.length === 1 ? 'application' : 'applications'}${parts.length ? `: ${parts.join(', ')}` : ''}`
}

function RequirementRows({ status, onExcept }: { status: PolicyStatus; onExcept: Props['onExcept'] }) {
  return (
    <Table aria-label={`Requirements of ${status.application_name}`} verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Requirement</Table.Th>
          <Table.Th>Value now</Table.Th>
          <Table.Th>Threshold</Table.Th>
          <Table.Th>Outcome</Table.Th>
          {onExcept ? <Table.Th aria-label="Actions" /> : null}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {status.requirements.map((result) => {
          const label = METRIC_BY_KEY[result.requirement].label
          return (
            <Table.Tr key={result.requirement} data-testid="evidence-requirement">
              <Table.Td>
                <Text size="sm">{label}</Text>
                <RequirementReason result={result} />
              </Table.Td>
              <Table.Td>{result.value === null ? '—' : formatMetricValue(result.requirement, result.value)}</Table.Td>
              <Table.Td>{formatCondition(result.requirement, result.operator, result.threshold)}</Table.Td>
              <Table.Td>
                <OutcomeBadge outcome={result.outcome} />
              </Table.Td>
              {onExcept ? (
                <Table.Td>
                  {EXCEPTABLE.has(result.outcome) ? (
                    <Button size="compact-xs" variant="subtle" aria-label={`Add an exception for ${label} on ${status.application_name}`} onClick={() => onExcept(status.application_id, result.requirement)}>
                      Add exception
                    </Button>
                  ) : null}
                </Table.Td>
              ) : null}
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}

function OpenGaps({ applicationName, gaps }: { applicationName: string; gaps: readonly Gap[] }) {
  if (gaps.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No open gaps.
      </Text>
    )
  }
  return (
    <Table aria-label={`Open gaps of ${applicationName}`} verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Open gap</Table.Th>
          <Table.Th>Value at opening</Table.Th>
          <Table.Th>Severity</Table.Th>
          <Table.Th>Open since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {gaps.map((gap) => (
          <Table.Tr key={gap.id} data-testid="evidence-gap" title={gap.reason}>
            <Table.Td>{gapRequirementLabel(gap.requirement)}</Table.Td>
            <Table.Td>{gapValue(gap)}</Table.Td>
            <Table.Td>
              <SeverityBadge severity={gap.severity} />
            </Table.Td>
            <Table.Td>{formatDate(gap.opened_at)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function EvidencePanel({ evidence, gaps, onExcept }: Props) {
  const [showAll, setShowAll] = useState(false)
  const ordered = useMemo(
    () => [...evidence].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.application_name.localeCompare(b.application_name)),
    [evidence],
  )
  const gapsByApplication = useMemo(() => {
    const byApplication = new Map<string, Gap[]>()
    for (const gap of gaps) byApplication.set(gap.application_id, [...(byApplication.get(gap.application_id) ?? []), gap])
    return byApplication
  }, [gaps])
  const shown = showAll ? ordered : ordered.slice(0, FIRST_SHOWN)

  return (
    <Stack gap="sm" aria-labelledby="evidence-heading" component="section">
      <div>
        <Title order={3} id="evidence-heading">
          Evidence
        </Title>
        <Text size="sm" c="dimmed" data-testid="evidence-summary">
          {evidence.length === 0 ? 'The policy covers no application now.' : summary(evidence)}
        </Text>
      </div>
      {shown.map((status) => (
        <Card key={status.application_id} withBorder data-testid="evidence-application" padding="sm">
          <Group justify="space-between" mb="xs" wrap="nowrap" align="flex-start">
            <Group gap="xs" style={{ minWidth: 0 }}>
              <Title order={4} size="h5" style={WRAP_ANYWHERE}>
                <Anchor href={hrefOf('applications', [status.application_id])} inherit>
                  {status.application_name}
                </Anchor>
              </Title>
              <StatusBadge status={status.status} graceUntil={status.in_grace_period ? status.enforcement_starts_at : null} />
            </Group>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              Evaluated {formatDate(status.evaluated_at)}
            </Text>
          </Group>
          <Stack gap="xs">
            {status.requirements.length ? (
              <RequirementRows status={status} onExcept={onExcept} />
            ) : (
              <Text size="sm" c="dimmed">
                The policy has no alert rules: sign-off is the whole of it.
              </Text>
            )}
            <OpenGaps applicationName={status.application_name} gaps={gapsByApplication.get(status.application_id) ?? []} />
          </Stack>
        </Card>
      ))}
      {ordered.length > shown.length ? (
        <Button variant="default" onClick={() => setShowAll(true)} style={{ alignSelf: 'flex-start' }}>
          Show all {ordered.length} applications
        </Button>
      ) : null}
    </Stack>
  )
}
