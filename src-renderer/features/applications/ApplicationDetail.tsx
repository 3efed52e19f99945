/**
 * One application: its status under each covering policy, every requirement's value against its
 * threshold with the last week's trend and the reason in words, its gap history, the alert rules
 * policies put on it, and importing inference data.
 */
import { Anchor, Badge, Button, Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useMemo, useState } from 'react'
import { gapRequirementLabel, type Gap, type PolicyStatus } from '../../../src-shared/domain/compliance'
import { METRIC_BY_KEY, formatMetricValue } from '../../../src-shared/domain/metrics'
import type { MetricPoint } from '../../../src-shared/domain/observations'
import { useNavigation } from '../../app/navigation'
import { EChart } from '../../components/EChart'
import { notifyFailed } from '../../components/feedback'
import { SeverityBadge } from '../../components/SeverityBadge'
import { StatusBadge } from '../../components/StatusBadge'
import { formatCondition, formatDate, formatDay } from '../../components/format'
import { WRAP_ANYWHERE } from '../../components/long-text'
import { client } from '../../api/client'
import { AttestationStanding } from '../attestations/AttestationStanding'
import { sparklineOption } from '../compliance/charts'
import { OutcomeBadge } from '../compliance/OutcomeBadge'
import { RequirementReason } from '../compliance/RequirementReason'
import { gapValue } from '../compliance/WorstGaps'
import { useApplicationDetail } from './application-detail-store'
import { ImportInferencesModal } from './ImportInferencesModal'
import { ApplicationRulesPanel } from './rules/ApplicationRulesPanel'
import { RetireApplicationButton } from './lifecycle/RetireApplicationButton'

function Sparkline({ points, threshold, label }: { points: MetricPoint[] | undefined; threshold: number; label: string }) {
  const option = useMemo(() => sparklineOption((points ?? []).map((p) => [p.hour, p.value]), threshold), [points, threshold])
  if (!points || points.length === 0) return <Text size="xs" c="dimmed">no data</Text>
  return <EChart option={option} height={36} label={label} />
}

function PolicyCard({ status, series }: { status: PolicyStatus; series: ReturnType<typeof useApplicationDetail.getState>['series'] }) {
  return (
    <Card withBorder data-testid="policy-compliance">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600} style={WRAP_ANYWHERE}>
            {status.policy_name}
          </Text>
          <Badge variant="outline" size="sm">
            v{status.policy_version}
          </Badge>
          <StatusBadge status={status.status} graceUntil={status.in_grace_period ? status.enforcement_starts_at : null} />
        </Group>
        <Text size="xs" c="dimmed">
          Last evaluated {formatDate(status.evaluated_at)}
        </Text>
      </Group>
      {status.in_grace_period ? (
        <Text size="sm" c="orange" mb="xs">
          In grace period until {formatDay(status.enforcement_starts_at)}: breaches show here but send no alerts.
        </Text>
      ) : null}
      <AttestationStanding status={status} />
      <Table aria-label={`Requirements of ${status.policy_name}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Requirement</Table.Th>
            <Table.Th>Value now</Table.Th>
            <Table.Th>Threshold</Table.Th>
            <Table.Th>Severity</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th w={160}>Last 7 days</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {status.requirements.map((result) => (
            <Table.Tr key={result.requirement} data-testid="requirement-result">
              <Table.Td>
                <Text size="sm">{METRIC_BY_KEY[result.requirement].label}</Text>
                <RequirementReason result={result} />
              </Table.Td>
              <Table.Td>{result.value === null ? '—' : formatMetricValue(result.requirement, result.value)}</Table.Td>
              <Table.Td>{formatCondition(result.requirement, result.operator, result.threshold)}</Table.Td>
              <Table.Td>
                <SeverityBadge severity={result.severity} />
              </Table.Td>
              <Table.Td>
                <OutcomeBadge outcome={result.outcome} />
              </Table.Td>
              <Table.Td>
                <Sparkline points={series[result.requirement]} threshold={result.threshold} label={`${METRIC_BY_KEY[result.requirement].label}, last 7 days`} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  )
}

function duration(gap: Gap): string {
  const end = gap.resolved_at ? Date.parse(gap.resolved_at) : Date.now()
  const hours = Math.max(0, Math.round((end - Date.parse(gap.opened_at)) / 3_600_000))
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`
}

function GapTimeline({ gaps }: { gaps: Gap[] }) {
  if (gaps.length === 0) return <Text c="dimmed" size="sm">No gaps so far.</Text>
  return (
    <Table aria-label="Gap timeline" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Opened</Table.Th>
          <Table.Th>Resolved</Table.Th>
          <Table.Th>For</Table.Th>
          <Table.Th>Policy</Table.Th>
          <Table.Th>Requirement</Table.Th>
          <Table.Th>Value at opening</Table.Th>
          <Table.Th>Severity</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {gaps.map((gap) => (
          <Table.Tr key={gap.id} data-testid="gap-history-row" title={gap.reason}>
            <Table.Td>{formatDate(gap.opened_at)}</Table.Td>
            <Table.Td>{gap.resolved_at ? formatDate(gap.resolved_at) : <Badge color="red">Open</Badge>}</Table.Td>
            <Table.Td>{duration(gap)}</Table.Td>
            <Table.Td style={WRAP_ANYWHERE}>{gap.policy_name}</Table.Td>
            <Table.Td>{gapRequirementLabel(gap.requirement)}</Table.Td>
            <Table.Td>{gapValue(gap)}</Table.Td>
            <Table.Td>
              <SeverityBadge severity={gap.severity} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function ApplicationDetail({ id }: { id: string }) {
  const { compliance, gaps, series, error, open, refresh } = useApplicationDetail()
  const go = useNavigation((state) => state.go)
  const [importing, setImporting] = useState(false)
  const [evaluating, setEvaluating] = useState(false)

  useEffect(() => {
    void open(id)
  }, [id, open])

  async function evaluate() {
    setEvaluating(true)
    try {
      await client.call('compliance.evaluate', { application_id: id })
      await refresh()
    } catch (failure) {
      notifyFailed(failure, 'Could not evaluate this application')
    } finally {
      setEvaluating(false)
    }
  }

  if (error) return <Text c="red">{error}</Text>
  if (!compliance || compliance.application_id !== id) return <Loader />
  return (
    <Stack>
      <Anchor component="button" onClick={() => go('applications')} size="sm">
        ← Applications
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0, flex: 1 }}>
          <Group gap="sm">
            <Title order={2} style={WRAP_ANYWHERE}>
              {compliance.application_name}
            </Title>
            <StatusBadge status={compliance.status} />
          </Group>
          <Text size="sm" c="dimmed" style={WRAP_ANYWHERE}>
            {compliance.application_id} · {compliance.team ?? 'no team'} · {compliance.environment ?? 'no environment'}
            {compliance.tags.length > 0 ? ` · ${compliance.tags.join(', ')}` : ''}
          </Text>
        </div>
        <Group>
          <Button variant="default" onClick={() => void evaluate()} loading={evaluating}>
            Evaluate now
          </Button>
          <Button onClick={() => setImporting(true)}>Import inference data</Button>
          <RetireApplicationButton application={{ id: compliance.application_id, name: compliance.application_name }} />
        </Group>
      </Group>

      {compliance.policies.length === 0 ? <Text c="dimmed">No published policy covers this application.</Text> : null}
      {compliance.policies.map((status) => (
        <PolicyCard key={status.policy_id} status={status} series={series} />
      ))}

      <Card withBorder>
        <Text fw={600} mb="xs">
          Gap timeline
        </Text>
        <GapTimeline gaps={gaps} />
      </Card>

      <Card withBorder>
        <Text fw={600} mb="xs">
          Alert rules from policies
        </Text>
        <ApplicationRulesPanel applicationId={compliance.application_id} applicationName={compliance.application_name} onChanged={refresh} />
      </Card>

      <ImportInferencesModal
        applicationId={compliance.application_id}
        applicationName={compliance.application_name}
        opened={importing}
        onClose={() => {
          setImporting(false)
          void refresh()
        }}
      />
    </Stack>
  )
}
