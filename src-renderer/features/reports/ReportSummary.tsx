/** The preview of a report: what it would say in summary, as the engine answers `reports.preview`. */
import { Card, SimpleGrid, Text } from '@mantine/core'
import { useMemo } from 'react'
import { COMPLIANCE_STATUSES, STATUS_LABELS } from '../../../src-shared/domain/compliance'
import { DataTable, type DataColumn } from '../../components/DataTable'
import { EChart } from '../../components/EChart'
import { TruncatedText } from '../../components/TruncatedText'
import { trendOption } from '../compliance/charts'
import type { ReportPreview } from './reports-store'

type PolicyRow = ReportPreview['summary']['policies'][number]

const COUNT = new Intl.NumberFormat()

const policyColumns: Array<DataColumn<PolicyRow>> = [
  { key: 'policy', header: 'Policy', width: '28%', cell: (policy) => <TruncatedText>{`${policy.name} (v${policy.version})`}</TruncatedText> },
  ...COMPLIANCE_STATUSES.map(
    (status): DataColumn<PolicyRow> => ({ key: status, header: STATUS_LABELS[status], cell: (policy) => COUNT.format(policy.counts[status]) }),
  ),
  { key: 'total', header: 'Applications', cell: (policy) => COUNT.format(policy.total) },
]

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {COUNT.format(value)}
      </Text>
    </Card>
  )
}

export function ReportSummary({ preview }: { preview: ReportPreview }) {
  const { summary } = preview
  const chart = useMemo(() => trendOption(summary.trend), [summary.trend])
  return (
    <>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        {COMPLIANCE_STATUSES.map((status) => (
          <Figure key={status} label={`${STATUS_LABELS[status]} applications`} value={summary.application_counts[status]} testId={`preview-count-${status}`} />
        ))}
        <Figure label="Not covered by a policy" value={summary.not_covered} testId="preview-not-covered" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure label="Open gaps" value={summary.open_gaps} testId="preview-open-gaps" />
        <Figure label="Resolved gaps" value={summary.resolved_gaps} testId="preview-resolved-gaps" />
        <Figure label="Attestations" value={summary.attestations} testId="preview-attestations" />
        <Figure label="Active exceptions" value={summary.active_exceptions} testId="preview-active-exceptions" />
      </SimpleGrid>
      <div>
        <Text fw={600} size="sm" mb={4}>
          Applications in each status, per policy
        </Text>
        <DataTable
          label="Applications in each status, per policy"
          rows={summary.policies}
          columns={policyColumns}
          rowKey={(policy) => policy.id}
          minWidth={720}
          empty={<Text c="dimmed" size="sm">No policy covers an application in this scope.</Text>}
        />
      </div>
      <div>
        <Text fw={600} size="sm">
          Compliance over time
        </Text>
        <Text size="xs" c="dimmed" mb="xs">
          Application × policy pairs in each status, at the end of each day of the report’s period
        </Text>
        {summary.trend.length === 0 ? (
          <Text c="dimmed" size="sm">
            No evaluations recorded in this period.
          </Text>
        ) : (
          <EChart option={chart} height={220} label="Compliance over time in the report’s period: application × policy pairs in each status, per day" />
        )}
      </div>
    </>
  )
}
