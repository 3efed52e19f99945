/** "+ ATTESTATION RULE": adds a human sign-off rule (who attests, how often, what if they don't). */
import { Button, Group, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { PrincipalRef } from '../../../src-shared/domain/people'
import type { AttestationRule, Frequency } from '../../../src-shared/domain/rules'
import { FormError } from '../../components/FormError'
import { errorFor, errorsByField } from '../../components/field-errors'
import { FREQUENCY_LABELS } from './describe'
import { PrincipalPicker } from './PrincipalPicker'
import { useRuleLibrary } from './rule-library-store'

interface Values {
  name: string
  frequency: Frequency
  every_days: number | string
  reviewers: PrincipalRef[]
  deadline_days: number | string
  escalation_path: PrincipalRef[]
  notes_required: boolean
  blocking: 'block' | 'warn'
}

const wholeNumber = (value: number | string, fallback: number) => (typeof value === 'number' ? value : fallback)

export function AttestationRuleForm({ onCreated, onCancel }: { onCreated(rule: AttestationRule): void; onCancel(): void }) {
  const createAttestationRule = useRuleLibrary((state) => state.createAttestationRule)
  const [values, setValues] = useState<Values>({
    name: '',
    frequency: 'quarterly',
    every_days: 30,
    reviewers: [],
    deadline_days: 7,
    escalation_path: [],
    notes_required: false,
    blocking: 'warn',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((current) => ({ ...current, [key]: value }))

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setSaving(true)
    setErrors({})
    try {
      const created = await createAttestationRule({
        name: values.name,
        frequency: values.frequency,
        every_days: values.frequency === 'every_n_days' ? wholeNumber(values.every_days, 0) : null,
        reviewers: values.reviewers,
        deadline_days: wholeNumber(values.deadline_days, 0),
        escalation_path: values.escalation_path,
        notes_required: values.notes_required,
        blocking: values.blocking,
      })
      onCreated(created)
    } catch (error) {
      setErrors(errorsByField(error))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New attestation rule">
      <Stack>
        <TextInput
          label="Rule name"
          required
          data-autofocus
          placeholder="e.g. Manual Validation — Valid for 30 days"
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={errors.name}
        />
        <SimpleGrid cols={2}>
          <Select
            label="Attestation frequency"
            data={Object.entries(FREQUENCY_LABELS).map(([value, label]) => ({ value, label }))}
            value={values.frequency}
            onChange={(value) => value && set('frequency', value as Frequency)}
            allowDeselect={false}
            error={errors.frequency}
          />
          {values.frequency === 'every_n_days' ? (
            <NumberInput
              label="Every (days)"
              min={1}
              allowDecimal={false}
              value={values.every_days}
              onChange={(value) => set('every_days', value)}
              error={errors.every_days}
            />
          ) : null}
        </SimpleGrid>
        <PrincipalPicker
          label="Reviewers"
          description="People or groups who must attest"
          required
          value={values.reviewers}
          onChange={(value) => set('reviewers', value)}
          error={errorFor(errors, 'reviewers')}
        />
        <NumberInput
          label="Deadline window (days)"
          description="Days after a request before it escalates"
          min={1}
          allowDecimal={false}
          value={values.deadline_days}
          onChange={(value) => set('deadline_days', value)}
          error={errors.deadline_days}
        />
        <PrincipalPicker
          label="Escalation path"
          description="Who is notified when an attestation is overdue"
          value={values.escalation_path}
          onChange={(value) => set('escalation_path', value)}
          error={errorFor(errors, 'escalation_path')}
        />
        <Switch
          label="Reviewer must write notes"
          checked={values.notes_required}
          onChange={(event) => set('notes_required', event.currentTarget.checked)}
        />
        <Radio.Group
          label="Blocking behaviour"
          description="What an overdue attestation does to new deployments"
          value={values.blocking}
          onChange={(value) => set('blocking', value === 'block' ? 'block' : 'warn')}
        >
          <Group mt="xs">
            <Radio value="block" label="Block" />
            <Radio value="warn" label="Warn only" />
          </Group>
        </Radio.Group>
        <FormError message={errors.form} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Create attestation rule
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
