/**
 * The alert rules policies put on one application, each with the policies it comes from, and the
 * required rules someone deleted, each with Restore. Shown on the application's page and in a
 * policy's coverage rows.
 */
import { Alert, Button, Loader, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import { METRIC_BY_KEY } from '../../../../src-shared/domain/metrics'
import type { MissingRule } from '../../../../src-shared/domain/policy'
import { SeverityBadge } from '../../../components/SeverityBadge'
import { WRAP_ANYWHERE as WRAP } from '../../../components/long-text'
import { formatCondition, formatDate } from '../../../components/format'
import { useApplicationRules, type RulesOfApplication } from './application-rules-store'
import { deleteRule, restoreRule, type RuleTarget } from './rule-actions'


interface Props extends RuleTarget {
  /** Called after a rule is deleted or restored, so the host refreshes statuses and coverage. */
  onChanged(): unknown
}

function MissingRules({ target, missing, rules, onChanged }: { target: RuleTarget; missing: MissingRule[]; rules: RulesOfApplication; onChanged(): unknown }) {
  const [busy, setBusy] = useState<string>()
  const policyName = (id: string) => rules.policies.find((policy) => policy.id === id)?.name ?? id
  return (
    <Stack gap={4}>
      <Title order={5} c="red">
        Deleted required rules
      </Title>
      <Table aria-label={`Deleted required rules on ${target.applicationName}`} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Requirement</Table.Th>
            <Table.Th>Required by</Table.Th>
            <Table.Th>Deleted</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {missing.map((rule) => {
            const name = METRIC_BY_KEY[rule.requirement].label
            return (
              <Table.Tr key={`${rule.requirement}-${rule.direction}`} data-testid="missing-rule-row">
                <Table.Td>{name}</Table.Td>
                <Table.Td style={WRAP}>{rule.policy_ids.length ? rule.policy_ids.map(policyName).sort((a, b) => a.localeCompare(b)).join(', ') : '—'}</Table.Td>
                <Table.Td style={WRAP}>
                  {formatDate(rule.deleted_at)} by {rule.deleted_by}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    aria-label={`Restore ${name} rule`}
                    loading={busy === rule.requirement}
                    onClick={() => {
                      setBusy(rule.requirement)
                      void restoreRule(target, rule.requirement, onChanged).finally(() => setBusy(undefined))
                    }}
                  >
                    Restore
                  </Button>
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}

export function ApplicationRulesPanel({ applicationId, applicationName, onChanged }: Props) {
  const rules = useApplicationRules((state) => state.byApplication[applicationId])
  const error = useApplicationRules((state) => state.errors[applicationId])
  const load = useApplicationRules((state) => state.load)
  const [busy, setBusy] = useState<string>()
  const target = { applicationId, applicationName }

  useEffect(() => {
    void load(applicationId)
  }, [applicationId, load])

  if (error && !rules) return <Alert color="red">{error}</Alert>
  if (!rules) return <Loader size="sm" aria-label="Loading rules" />
  return (
    <Stack gap="xs">
      {error ? <Alert color="red">{error}</Alert> : null}
      {rules.missing.length ? <MissingRules target={target} missing={rules.missing} rules={rules} onChanged={onChanged} /> : null}
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
          {rules.alertRules.map((rule) => {
            const name = METRIC_BY_KEY[rule.requirement].label
            return (
              <Table.Tr key={rule.id} data-testid="materialised-rule-row">
                <Table.Td>{name}</Table.Td>
                <Table.Td>{formatCondition(rule.metric, rule.operator, rule.threshold)}</Table.Td>
                <Table.Td>
                  <SeverityBadge severity={rule.severity} />
                </Table.Td>
                <Table.Td style={WRAP}>{rule.sources.map((source) => source.policy_name).join(', ')}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Delete ${name} rule`}
                    loading={busy === rule.id}
                    onClick={() => void deleteRule(target, rule, onChanged, () => setBusy(rule.id)).finally(() => setBusy(undefined))}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
      {rules.alertRules.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alert rules on this application.
        </Text>
      ) : null}
    </Stack>
  )
}
