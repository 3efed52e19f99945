/** Step 4: the whole policy as it will be created, for one last look. */
import { Alert, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { SeverityBadge } from '../../../components/SeverityBadge'
import { formatCondition } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { POLICY_FIELD_LABELS as LABELS } from '../details-form/field-labels'
import { groupName, usePeople } from '../../people/people-store'
import { AttestationRulesTable } from '../../rules/AttestationRulesTable'
import { useMetricLabel, useRuleLibrary } from '../../rules/rule-library-store'
import { useWizard } from './wizard-store'
import { Fact } from '../../../components/Fact'

export function ConfirmationStep() {
  const { details, alertRules, attestationRuleIds, errors } = useWizard()
  const library = useRuleLibrary()
  const groups = usePeople((state) => state.groups)
  const metricLabel = useMetricLabel()
  const chosenAlertRules = Object.entries(alertRules).flatMap(([id, chosen]) => {
    const rule = library.alertRules.find((candidate) => candidate.id === id)
    return rule ? [{ rule, chosen }] : []
  })
  const chosenAttestationRules = library.attestationRules.filter((rule) => attestationRuleIds.includes(rule.id))
  // Errors about no step's fields (or about status and scope, which the wizard does not edit) land here.
  const generalError = errors.form ?? errors.status ?? errors.scope

  return (
    <Stack>
      {generalError ? (
        <Alert color="red" role="alert">
          {generalError}
        </Alert>
      ) : null}
      <Card withBorder>
        <Title order={4} mb="sm">
          Details
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Fact label={LABELS.name}>{details.name}</Fact>
          <Fact label={LABELS.owner_group_id}>{groupName(groups, details.owner_group_id)}</Fact>
          <Fact label={LABELS.enforcement_delay_days}>{details.enforcement_delay_days} days</Fact>
          <Fact label={LABELS.notification_webhook}>{details.notification_webhook || '—'}</Fact>
          <Fact label={LABELS.auto_apply}>{details.auto_apply ? 'On' : 'Off'}</Fact>
          <Fact label={LABELS.auto_restore}>{details.auto_restore ? 'On' : 'Off'}</Fact>
        </SimpleGrid>
        {details.description ? (
          <Text size="sm" mt="sm" style={WRAP_ANYWHERE}>
            {details.description}
          </Text>
        ) : null}
      </Card>
      <Card withBorder>
        <Title order={4} mb="sm">
          Alert rules ({chosenAlertRules.length})
        </Title>
        {chosenAlertRules.length ? (
          <Table aria-label="Selected alert rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Metric</Table.Th>
                <Table.Th>Violation when</Table.Th>
                <Table.Th>Severity</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {chosenAlertRules.map(({ rule, chosen }) => (
                <Table.Tr key={rule.id}>
                  <Table.Td>{rule.name}</Table.Td>
                  <Table.Td>{metricLabel(rule.metric)}</Table.Td>
                  <Table.Td>{typeof chosen.threshold === 'number' ? formatCondition(rule.metric, rule.operator, chosen.threshold) : '—'}</Table.Td>
                  <Table.Td>
                    <SeverityBadge severity={chosen.severity} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            None
          </Text>
        )}
      </Card>
      <Card withBorder>
        <Title order={4} mb="sm">
          Attestation rules ({chosenAttestationRules.length})
        </Title>
        {chosenAttestationRules.length ? (
          <AttestationRulesTable label="Selected attestation rules" rules={chosenAttestationRules} />
        ) : (
          <Text size="sm" c="dimmed">
            None
          </Text>
        )}
      </Card>
    </Stack>
  )
}
