/** Step 2: choose metric-based rules from the library, tune each one's threshold and severity. */
import { Alert, Badge, Button, Checkbox, Group, Modal, NumberInput, Select, Stack, Table, Text } from '@mantine/core'
import { useState } from 'react'
import type { AlertRule, Severity } from '../../../../src-shared/domain/rules'
import { SEVERITY_OPTIONS } from '../../../components/SeverityBadge'
import { notifyDone } from '../../../components/feedback'
import { formatCondition } from '../../../components/format'
import { AlertRuleForm } from '../../rules/AlertRuleForm'
import { useMetricLabel, useRuleLibrary } from '../../rules/rule-library-store'
import { useWizard } from './wizard-store'

function AlertRuleRow({ rule }: { rule: AlertRule }) {
  const { alertRules, errors, chooseAlertRule, changeAlertRule } = useWizard()
  const metricLabel = useMetricLabel()
  const chosen = alertRules[rule.id]
  const prefix = `alert_rules.${rule.id}`
  const otherError = Object.entries(errors).find(([field]) => field.startsWith(prefix) && !field.endsWith('.threshold') && !field.endsWith('.severity'))?.[1]

  return (
    <Table.Tr data-testid="alert-rule-option" data-selected={chosen ? 'true' : undefined}>
      <Table.Td>
        <Checkbox
          label={rule.name}
          checked={Boolean(chosen)}
          onChange={(event) => chooseAlertRule(rule, event.currentTarget.checked)}
          error={otherError}
        />
      </Table.Td>
      <Table.Td w={130}>
        {rule.recommended ? (
          <Badge variant="light" color="teal" size="sm">
            Recommended
          </Badge>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{metricLabel(rule.metric)}</Text>
        <Text size="xs" c="dimmed">
          Library default {formatCondition(rule.metric, rule.operator, rule.threshold)}
        </Text>
      </Table.Td>
      <Table.Td w={160}>
        {chosen ? (
          <NumberInput
            aria-label={`Threshold for ${rule.name}`}
            leftSection={<Text size="xs">{rule.operator}</Text>}
            value={chosen.threshold}
            onChange={(value) => changeAlertRule(rule.id, { threshold: value })}
            error={errors[`${prefix}.threshold`]}
            size="xs"
          />
        ) : null}
      </Table.Td>
      <Table.Td w={140}>
        {chosen ? (
          <Select
            aria-label={`Severity for ${rule.name}`}
            data={SEVERITY_OPTIONS}
            value={chosen.severity}
            onChange={(value) => value && changeAlertRule(rule.id, { severity: value as Severity })}
            allowDeselect={false}
            error={errors[`${prefix}.severity`]}
            size="xs"
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  )
}

export function AlertRulesStep() {
  const alertRules = useRuleLibrary((state) => state.alertRules)
  const { alertRules: chosen, errors, chooseAlertRule } = useWizard()
  const [creating, setCreating] = useState(false)
  // Errors about the list as a whole; each rule's own sit in its row.
  const stepError = errors.alert_rules

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Select the metric thresholds that count as a policy violation. {Object.keys(chosen).length} selected.
        </Text>
        <Button variant="light" onClick={() => setCreating(true)}>
          + ALERT RULE
        </Button>
      </Group>
      {stepError ? (
        <Alert color="red" role="alert">
          {stepError}
        </Alert>
      ) : null}
      <Table aria-label="Alert rules" verticalSpacing="xs" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rule</Table.Th>
            <Table.Th />
            <Table.Th>Metric</Table.Th>
            <Table.Th>Threshold</Table.Th>
            <Table.Th>Severity</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alertRules.map((rule) => (
            <AlertRuleRow key={rule.id} rule={rule} />
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New alert rule" size="lg">
        <AlertRuleForm
          onCancel={() => setCreating(false)}
          onCreated={(rule) => {
            chooseAlertRule(rule, true)
            setCreating(false)
            notifyDone(`Added “${rule.name}” to the alert rule library, chosen for this policy.`)
          }}
        />
      </Modal>
    </Stack>
  )
}
