/** When a template's name is already taken by a policy, ask for another before creating it. */
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { PolicyTemplate } from '../../../src-shared/domain/policy'

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
  return (
    <Modal opened onClose={onCancel} title="Name this policy">
      <form
        onSubmit={(event) => {
          event.preventDefault()
          onSubmit(name)
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">{message}</Text>
          <TextInput label="Policy Name" required data-autofocus value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} />
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
