/** Picks people and groups together, as reviewers and escalation paths take either. */
import { MultiSelect } from '@mantine/core'
import type { PrincipalRef } from '../../../src-shared/domain/people'
import { pickablePeople } from '../people/pickable-people'
import { usePeople } from '../people/people-store'

// MultiSelect values are strings, so a reference travels as "user:usr_…" / "group:grp_…".
const encode = (ref: PrincipalRef) => `${ref.type}:${ref.id}`
function decode(value: string): PrincipalRef {
  const [type, ...id] = value.split(':')
  return { type: type === 'group' ? 'group' : 'user', id: id.join(':') }
}

interface Props {
  label: string
  description?: string
  value: PrincipalRef[]
  onChange(value: PrincipalRef[]): void
  error?: string
  required?: boolean
}

export function PrincipalPicker({ label, description, value, onChange, error, required }: Props) {
  const { users, groups } = usePeople()
  const data = [
    {
      group: 'People',
      items: pickablePeople(users, value.filter((ref) => ref.type === 'user').map((ref) => ref.id)).map((person) => ({ value: `user:${person.id}`, label: person.label })),
    },
    { group: 'Groups', items: groups.map((group) => ({ value: `group:${group.id}`, label: `${group.name} (group)` })) },
  ]
  return (
    <MultiSelect
      label={label}
      description={description}
      data={data}
      value={value.map(encode)}
      onChange={(values) => onChange(values.map(decode))}
      error={error}
      required={required}
      searchable
      clearable
      placeholder={value.length ? undefined : 'Search people and groups'}
    />
  )
}
