/** Add a person to the directory, or change their role and groups. */
import { Button, Group as Row, MultiSelect, Select, Stack, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { Role } from '../../../src-shared/domain/common'
import type { User } from '../../../src-shared/domain/people'
import { FormError } from '../../components/FormError'
import { errorFor, errorsByField } from '../../components/field-errors'
import { usePeople } from './people-store'
import { ROLE_OPTIONS } from './roles'

export function UserForm({ user, onDone }: { user?: User; onDone(): void }) {
  const { groups, createUser, updateUser } = usePeople()
  const [name, setName] = useState(user?.name ?? '')
  const [email, setEmail] = useState(user?.email ?? '')
  const [role, setRole] = useState<Role>(user?.role ?? 'reviewer')
  const [groupIds, setGroupIds] = useState<string[]>(user?.group_ids ?? [])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setSaving(true)
    setErrors({})
    try {
      if (user) await updateUser({ id: user.id, role, group_ids: groupIds })
      else await createUser({ name, email: email.trim() || null, role, group_ids: groupIds })
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
        {user ? null : (
          <>
            <TextInput label="Name" required data-autofocus value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
            <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} />
          </>
        )}
        <Select label="Role" data={ROLE_OPTIONS} value={role} onChange={(value) => value && setRole(value as Role)} allowDeselect={false} error={errors.role} />
        <MultiSelect
          label="Groups"
          description={user && !user.active ? 'Inactive: keeps the groups they are in, and joins no new one until reactivated' : undefined}
          data={groups.map((group) => ({ value: group.id, label: group.name }))}
          value={groupIds}
          onChange={setGroupIds}
          error={errorFor(errors, 'group_ids')}
          searchable
        />
        <FormError message={errors.form ?? errors.id} />
        <Row justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {user ? 'Save changes' : 'Add user'}
          </Button>
        </Row>
      </Stack>
    </form>
  )
}
