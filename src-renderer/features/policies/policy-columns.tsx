/** The Policies table's columns: what each shows, how it sorts, and how much room it takes. */
import { Group, Loader, Progress, Text } from '@mantine/core'
import type { Policy } from '../../../src-shared/domain/policy'
import { hrefOf } from '../../app/navigation'
import type { DataColumn } from '../../components/DataTable'
import { PolicyStatusBadge } from '../../components/PolicyStatusBadge'
import { TruncatedText } from '../../components/TruncatedText'
import type { PolicyCompliance } from './policies-store'

/** Compliant share in whole percent, or null when the policy covers nothing evaluated. */
export function compliantPercent(compliance: PolicyCompliance | undefined): number | null {
  if (!compliance || compliance.total === 0) return null
  return Math.round((compliance.counts.compliant / compliance.total) * 100)
}

function ComplianceCell({ compliance, loaded }: { compliance: PolicyCompliance | undefined; loaded: boolean }) {
  if (!loaded) return <Loader size="xs" aria-label="Compliance loading" />
  const percent = compliantPercent(compliance)
  if (percent === null || !compliance) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    )
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Progress value={percent} color={percent === 100 ? 'green' : percent >= 80 ? 'yellow' : 'red'} w={60} aria-hidden="true" />
      <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={`${compliance.counts.compliant} of ${compliance.total} covered applications compliant`}>
        {percent}% <Text span size="xs" c="dimmed">({compliance.counts.compliant}/{compliance.total})</Text>
      </Text>
    </Group>
  )
}

export function policyColumns(compliance: ReadonlyMap<string, PolicyCompliance> | undefined): Array<DataColumn<Policy>> {
  return [
    {
      key: 'name',
      header: 'Name',
      width: '28%',
      sortKey: (policy) => policy.name,
      cell: (policy) => (
        <TruncatedText href={hrefOf('policies', [policy.id])} fw={500}>
          {policy.name}
        </TruncatedText>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: 120,
      sortKey: (policy) => (policy.archived ? 'archived' : policy.status),
      cell: (policy) => <PolicyStatusBadge policy={policy} />,
    },
    { key: 'version', header: 'Version', width: 90, sortKey: (policy) => policy.version, cell: (policy) => `v${policy.version}` },
    {
      key: 'compliance',
      header: 'Compliant',
      width: 200,
      sortKey: (policy) => compliantPercent(compliance?.get(policy.id)),
      cell: (policy) => <ComplianceCell compliance={compliance?.get(policy.id)} loaded={compliance !== undefined} />,
    },
    { key: 'alert_rules', header: 'Alert rules', sortKey: (policy) => policy.alert_rules.length, cell: (policy) => policy.alert_rules.length },
    { key: 'attestation_rules', header: 'Attestation rules', sortKey: (policy) => policy.attestation_rules.length, cell: (policy) => policy.attestation_rules.length },
    { key: 'covered', header: 'Covered applications', sortKey: (policy) => policy.covered_application_count, cell: (policy) => policy.covered_application_count },
  ]
}
