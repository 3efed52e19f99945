/**
 * The policy's requirements, with "Edit thresholds": changes are saved as a new policy version
 * through `policies.update`, and every covered application follows.
 */
import { Button, Group, Modal, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { Impact } from '../../../../src-shared/domain/compliance'
import type { Policy, Requirement } from '../../../../src-shared/domain/policy'
import type { Severity } from '../../../../src-shared/domain/rules'
import { FormError } from '../../../components/FormError'
import { notifyDone } from '../../../components/feedback'
import { SEVERITY_OPTIONS, SeverityBadge } from '../../../components/SeverityBadge'
import { errorsByField } from '../../../components/field-errors'
import { formatCondition } from '../../../components/format'
import { client } from '../../../api/client'
import { ImpactPreview } from '../impact/ImpactPreview'
import { useMetricLabel } from '../../rules/rule-library-store'
import { isEditConflict, usePolicyDetail } from './policy-detail-store'

type Edit = { threshold: number | string; severity: Severity }

/**
 * The whole list goes back, as `policies.update` replaces it: the rules as they are now, with what
 * the person changed from the version they began editing (`base`), so a colleague's change to a row
 * they left alone stays. A changed threshold drops the old name, because library names state their
 * threshold ("… above 2%"); the engine names it afresh.
 */
function requirementsWithEdits(requirements: readonly Requirement[], edits: Record<string, Edit>, base: readonly Requirement[]) {
  const started = new Map(base.map((requirement) => [requirement.requirement, requirement]))
  return requirements.map((requirement) => {
    const from = started.get(requirement.requirement)
    const proposed = edits[requirement.requirement]
    const edit = proposed && (!from || proposed.threshold !== from.threshold || proposed.severity !== from.severity) ? proposed : undefined
    const threshold = edit ? (edit.threshold as number) : requirement.threshold
    return {
      alert_rule_id: requirement.alert_rule_id,
      metric: requirement.metric,
      operator: requirement.operator,
      threshold,
      severity: edit?.severity ?? requirement.severity,
      window_hours: requirement.window_hours,
      no_data: requirement.no_data,
      ...(threshold === requirement.threshold ? { name: requirement.name } : {}),
    }
  })
}

export function RequirementsTable({ policy }: { policy: Policy }) {
  const saveRequirements = usePolicyDetail((state) => state.saveRequirements)
  const metricLabel = useMetricLabel()
  const [edits, setEdits] = useState<Record<string, Edit> | undefined>()
  /** The policy as the thresholds began to be edited: the version the edit is made on. */
  const [base, setBase] = useState(policy)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  /** The edits rehearsed on current data, awaiting confirmation. */
  const [impact, setImpact] = useState<Impact>()
  const editable = !policy.archived && policy.alert_rules.length > 0

  function startEditing() {
    setErrors({})
    setBase(policy)
    setEdits(Object.fromEntries(policy.alert_rules.map((r) => [r.requirement, { threshold: r.threshold, severity: r.severity }])))
  }

  function change(requirement: string, patch: Partial<Edit>) {
    setEdits((current) => (current?.[requirement] ? { ...current, [requirement]: { ...current[requirement], ...patch } } : current))
  }

  /** First the impact, worked out without writing; the change is saved only on confirmation. */
  async function review() {
    if (!edits) return
    setSaving(true)
    setErrors({})
    try {
      const rehearsal = await client.call('policies.update', { id: policy.id, alert_rules: requirementsWithEdits(policy.alert_rules, edits, base.alert_rules), dry_run: true })
      setImpact(rehearsal.impact)
    } catch (error) {
      showErrors(error)
    } finally {
      setSaving(false)
    }
  }

  async function save() {
    if (!edits) return
    setSaving(true)
    try {
      const saved = await saveRequirements(requirementsWithEdits(policy.alert_rules, edits, base.alert_rules), base.version)
      notifyDone(`Saved the thresholds of ${saved.name} as version ${saved.version}; its ${saved.covered_application_count} covered applications follow.`)
      setEdits(undefined)
      setImpact(undefined)
    } catch (error) {
      setImpact(undefined)
      // The conflict, with both versions, now decides; the edit travels with it.
      if (isEditConflict(error)) return setEdits(undefined)
      showErrors(error)
    } finally {
      setSaving(false)
    }
  }

  function showErrors(error: unknown) {
    // `alert_rules.3.threshold` -> the requirement in row 3, so the message sits in that row.
    const byRow: Record<string, string> = {}
    for (const [field, message] of Object.entries(errorsByField(error))) {
      const match = /^alert_rules\.(\d+)/.exec(field)
      const requirement = match ? policy.alert_rules[Number(match[1])]?.requirement : undefined
      byRow[requirement ?? 'form'] ??= message
    }
    setErrors(byRow)
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4}>Requirements</Title>
        {edits ? (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setEdits(undefined)}>
              Cancel
            </Button>
            <Button size="xs" onClick={() => void review()} loading={saving}>
              Save thresholds
            </Button>
          </Group>
        ) : editable ? (
          <Button size="xs" variant="light" onClick={startEditing}>
            Edit thresholds
          </Button>
        ) : null}
      </Group>
      {policy.alert_rules.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alert rules; this policy relies on attestation.
        </Text>
      ) : (
        <Table aria-label="Requirements" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Requirement</Table.Th>
              <Table.Th>Metric</Table.Th>
              <Table.Th>Violation when</Table.Th>
              <Table.Th>Severity</Table.Th>
              <Table.Th>Window</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {policy.alert_rules.map((requirement) => {
              const edit = edits?.[requirement.requirement]
              const label = metricLabel(requirement.metric)
              return (
                <Table.Tr key={requirement.requirement} data-testid="requirement-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {requirement.requirement}
                    </Text>
                  </Table.Td>
                  <Table.Td>{label}</Table.Td>
                  <Table.Td>
                    {edit ? (
                      <NumberInput
                        aria-label={`Threshold for ${label}`}
                        leftSection={<Text size="xs">{requirement.operator}</Text>}
                        value={edit.threshold}
                        onChange={(value) => change(requirement.requirement, { threshold: value })}
                        error={errors[requirement.requirement]}
                        size="xs"
                        w={160}
                      />
                    ) : (
                      formatCondition(requirement.metric, requirement.operator, requirement.threshold)
                    )}
                  </Table.Td>
                  <Table.Td>
                    {edit ? (
                      <Select
                        aria-label={`Severity for ${label}`}
                        data={SEVERITY_OPTIONS}
                        value={edit.severity}
                        onChange={(value) => value && change(requirement.requirement, { severity: value as Severity })}
                        allowDeselect={false}
                        size="xs"
                        w={130}
                      />
                    ) : (
                      <SeverityBadge severity={requirement.severity} />
                    )}
                  </Table.Td>
                  <Table.Td>{requirement.window_hours} h</Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      )}
      <FormError message={errors.form} />
      <Modal opened={impact !== undefined} onClose={() => setImpact(undefined)} title="Impact of the new thresholds" size="xl">
        <Stack>
          <ImpactPreview impact={impact} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setImpact(undefined)}>
              Back
            </Button>
            <Button onClick={() => void save()} loading={saving}>
              Confirm and save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
