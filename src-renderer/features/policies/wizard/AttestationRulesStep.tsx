/** Step 3: choose the human sign-offs this policy requires, or write a new one. */
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { notifyDone } from '../../../components/feedback'
import { errorFor } from '../../../components/field-errors'
import { AttestationRuleForm } from '../../rules/AttestationRuleForm'
import { AttestationRulesTable } from '../../rules/AttestationRulesTable'
import { useRuleLibrary } from '../../rules/rule-library-store'
import { useWizard } from './wizard-store'

export function AttestationRulesStep() {
  const attestationRules = useRuleLibrary((state) => state.attestationRules)
  const { attestationRuleIds, errors, chooseAttestationRule } = useWizard()
  const [creating, setCreating] = useState(false)
  // "At least one alert rule or one attestation rule" is about both steps; it shows here, after both.
  const stepError = errors.alert_rules ?? errorFor(errors, 'attestation_rule_ids')

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Attestation rules require a designated reviewer to confirm, on a cadence, that the policy is met.
        </Text>
        <Button variant="light" onClick={() => setCreating(true)}>
          + ATTESTATION RULE
        </Button>
      </Group>
      {stepError ? (
        <Alert color="red" role="alert">
          {stepError}
        </Alert>
      ) : null}
      {attestationRules.length === 0 ? (
        <Text c="dimmed" size="sm">
          The library has no attestation rules yet.
        </Text>
      ) : (
        <AttestationRulesTable
          label="Attestation rules"
          rules={attestationRules}
          renderLead={(rule) => (
            <Checkbox
              label={rule.name}
              checked={attestationRuleIds.includes(rule.id)}
              onChange={(event) => chooseAttestationRule(rule.id, event.currentTarget.checked)}
            />
          )}
        />
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New attestation rule" size="lg">
        <AttestationRuleForm
          onCancel={() => setCreating(false)}
          onCreated={(rule) => {
            chooseAttestationRule(rule.id, true)
            setCreating(false)
            notifyDone(`Added “${rule.name}” to the attestation rule library, chosen for this policy.`)
          }}
        />
      </Modal>
    </Stack>
  )
}
