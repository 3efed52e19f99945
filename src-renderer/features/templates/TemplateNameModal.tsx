/** When a template's name is already taken by a policy, ask for another before creating it. */
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import { FromTemplate, type PolicyTemplate } from '../../../src-shared/domain/policy'
import { labelled, POLICY_FIELD_LABELS } from '../policies/details-form/field-labels'

/** The name a policy made from a template may have: the engine's own rule for it. */
const TemplatePolicyName = FromTemplate.shape.name.unwrap()

interface Props {
  template: PolicyTemplate
  message: string
  error?: string
  saving: boolean
  onSubmit(name: string): void
  onCancel(): void
}

export function TemplateNameModal({ template, message, error, saving, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(`${template.name} 2`)
  const [problem, setProblem] = useState<string>()
  const shown = problem ?? error
  return (
    <Modal opened onClose={onCancel} title="Name this policy">
      <form
        onSubmit={(event) => {
          event.preventDefault()
          const parsed = TemplatePolicyName.safeParse(name)
          if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? 'name is required')
          onSubmit(parsed.data)
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">{message}</Text>
          <TextInput
            label={POLICY_FIELD_LABELS.name}
            required
            data-autofocus
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value)
              setProblem(undefined)
            }}
            error={shown ? labelled('name', shown) : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Create policy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
