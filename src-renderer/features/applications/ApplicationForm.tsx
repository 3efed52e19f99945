/** Create or edit an application; the engine's validation messages appear beside their fields. */
import { Autocomplete, Button, Group, Stack, TagsInput, TextInput } from '@mantine/core'
import { useState } from 'react'
import { SUGGESTED_ENVIRONMENTS, type Application } from '../../../src-shared/domain/application'
import { ApiError } from '../../../src-shared/api/errors'

export interface ApplicationFormValues {
  name: string
  tags: string[]
  team: string
  environment: string
}

interface Props {
  initial?: Application
  teams: string[]
  tags: string[]
  submitLabel: string
  onSubmit(values: ApplicationFormValues): Promise<void>
  onCancel(): void
}

export function ApplicationForm({ initial, teams, tags, submitLabel, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<ApplicationFormValues>({
    name: initial?.name ?? '',
    tags: initial?.tags ?? [],
    team: initial?.team ?? '',
    environment: initial?.environment ?? '',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const [suggesting, setSuggesting] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setSaving(true)
    setErrors({})
    try {
      await onSubmit(values)
    } catch (error) {
      if (error instanceof ApiError) {
        const byField: Record<string, string> = {}
        for (const issue of error.issues.length ? error.issues : [{ field: error.field ?? 'form', message: error.message }]) {
          const field = issue.field.split('.')[0] || 'form'
          byField[field] ??= issue.message
        }
        setErrors(byField)
      } else {
        setErrors({ form: (error as Error).message })
      }
    } finally {
      setSaving(false)
    }
  }

  const set = <K extends keyof ApplicationFormValues>(key: K) => (value: ApplicationFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }))

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Name"
          required
          data-autofocus
          value={values.name}
          onChange={(event) => set('name')(event.currentTarget.value)}
          error={errors.name}
        />
        <Autocomplete label="Team" data={teams} value={values.team} onChange={set('team')} error={errors.team} />
        <Autocomplete
          label="Environment"
          data={[...SUGGESTED_ENVIRONMENTS]}
          value={values.environment}
          onChange={set('environment')}
          error={errors.environment}
        />
        <TagsInput
          label="Tags"
          description="Policies can cover every application carrying a tag, e.g. external-facing"
          data={tags}
          value={values.tags}
          onChange={set('tags')}
          error={errors.tags}
          clearable
          // Left to itself the list stays open after a pick, over the form's buttons: it closes on a
          // pick (as on Escape and blur) and opens again when the person types.
          dropdownOpened={suggesting}
          onDropdownOpen={() => setSuggesting(true)}
          onDropdownClose={() => setSuggesting(false)}
          onOptionSubmit={() => setSuggesting(false)}
          onSearchChange={(search) => {
            if (search) setSuggesting(true)
          }}
        />
        {errors.form || errors.id ? (
          <div role="alert" style={{ color: 'var(--mantine-color-error)' }}>
            {errors.form ?? errors.id}
          </div>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
