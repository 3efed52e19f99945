/**
 * The alert rules a covered application actually carries. Deleting one leaves a "Missing rule"
 * gap on every policy that requires it, until it is restored.
 */
import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core'
import { useState } from 'react'
import { SeverityBadge } from '../../../components/SeverityBadge'
import { formatCondition } from '../../../components/format'
import { useMetricLabel } from '../../rules/rule-library-store'
import { usePolicyDetail } from './policy-detail-store'

export function ApplicationRulesPanel({ applicationId, applicationName }: { applicationId: string; applicationName: string }) {
  const { applicationRules, deleteRule, restoreRules } = usePolicyDetail()
  const metricLabel = useMetricLabel()
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<string>()
  const rules = applicationRules[applicationId]

  async function run(key: string, action: () => Promise<void>) {
    setBusy(key)
    setError(undefined)
    try {
      await action()
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(undefined)
    }
  }

  if (!rules) return <Text size="sm">Loading rules…</Text>
  return (
    <Stack gap="xs" p="xs">
      {error ? <Alert color="red">{error}</Alert> : null}
      {rules.missing.length ? (
        <Group gap="xs">
          <Text size="sm">Deleted required rules:</Text>
          {rules.missing.map((missing) => (
            <Badge key={`${missing.requirement}-${missing.direction}`} color="red" variant="light">
              {metricLabel(missing.requirement)}
            </Badge>
          ))}
          <Button size="xs" variant="light" loading={busy === 'restore'} onClick={() => void run('restore', () => restoreRules(applicationId))}>
            Restore rules
          </Button>
        </Group>
      ) : null}
      <Table aria-label={`Alert rules on ${applicationName}`} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Requirement</Table.Th>
            <Table.Th>Violation when</Table.Th>
            <Table.Th>Severity</Table.Th>
            <Table.Th>Sources</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rules.alert_rules.map((rule) => (
            <Table.Tr key={rule.id} data-testid="materialised-rule-row">
              <Table.Td>{metricLabel(rule.requirement)}</Table.Td>
              <Table.Td>{formatCondition(rule.metric, rule.operator, rule.threshold)}</Table.Td>
              <Table.Td>
                <SeverityBadge severity={rule.severity} />
              </Table.Td>
              <Table.Td>{rule.sources.map((source) => source.policy_name).join(', ')}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={`Delete ${metricLabel(rule.requirement)} rule`}
                  loading={busy === rule.id}
                  onClick={() => void run(rule.id, () => deleteRule(applicationId, rule.id))}
                >
                  Delete
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rules.alert_rules.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alert rules on this application.
        </Text>
      ) : null}
    </Stack>
  )
}
