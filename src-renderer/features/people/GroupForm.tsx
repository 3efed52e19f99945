/** Create a group of people, or change who is in it. */
import { Button, Group as Row, MultiSelect, Stack, TextInput, Textarea } from '@mantine/core'
import { useState } from 'react'
import type { Group } from '../../../src-shared/domain/people'
import { FormError } from '../../components/FormError'
import { errorFor, errorsByField } from '../../components/field-errors'
import { pickablePeople } from './pickable-people'
import { usePeople } from './people-store'

export function GroupForm({ group, onDone }: { group?: Group; onDone(): void }) {
  const { users, createGroup, updateGroup } = usePeople()
  const [name, setName] = useState(group?.name ?? '')
  const [description, setDescription] = useState(group?.description ?? '')
  const [memberIds, setMemberIds] = useState<string[]>(group?.member_ids ?? [])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setSaving(true)
    setErrors({})
    try {
      if (group) await updateGroup({ id: group.id, member_ids: memberIds })
      else await createGroup({ name, description: description.trim() || null, member_ids: memberIds })
      onDone()
    } catch (error) {
      setErrors(errorsByField(error))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {group ? null : (
          <>
            <TextInput label="Group name" required data-autofocus value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
            <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} />
          </>
        )}
        <MultiSelect
          label="Members"
          // Inactive members stay in the group on record; only active people join it.
          data={pickablePeople(users, group?.member_ids ?? []).map((person) => ({ value: person.id, label: person.label }))}
          value={memberIds}
          onChange={setMemberIds}
          error={errorFor(errors, 'member_ids')}
          searchable
        />
        <FormError message={errors.form ?? errors.id} />
        <Row justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {group ? 'Save members' : 'Create group'}
          </Button>
        </Row>
      </Stack>
    </form>
  )
}
