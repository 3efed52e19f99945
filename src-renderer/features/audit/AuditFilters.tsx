/** Narrow the audit trail by record, action, actor and time. */
import { Button, Group, Select, TextInput } from '@mantine/core'
import { useEffect } from 'react'
import { usePeople } from '../people/people-store'
import { useAudit } from './audit-store'

const RECORD_TYPES = [
  'application',
  'policy',
  'alert_rule',
  'attestation_rule',
  'user',
  'group',
  'api_token',
  'workspace',
]

export function AuditFilters() {
  const { filters, setFilter, clearFilters } = useAudit()
  const { users, load: loadPeople } = usePeople()
  const filtered = Object.values(filters).some((value) => value !== null && value !== '')

  useEffect(() => {
    void loadPeople()
  }, [loadPeople])

  return (
    <Group align="flex-end" gap="sm">
      <Select
        label="Record type"
        placeholder="Any"
        data={RECORD_TYPES}
        value={filters.entityType}
        onChange={(value) => setFilter('entityType', value)}
        clearable
        w={170}
      />
      <TextInput label="Record id" placeholder="e.g. pol_…" value={filters.entityId} onChange={(e) => setFilter('entityId', e.currentTarget.value)} w={170} />
      <TextInput label="Action" placeholder="e.g. policy.updated" value={filters.action} onChange={(e) => setFilter('action', e.currentTarget.value)} w={180} />
      <Select
        label="Actor"
        placeholder="Anyone"
        data={users.map((user) => ({ value: user.id, label: user.name }))}
        value={filters.actorId}
        onChange={(value) => setFilter('actorId', value)}
        clearable
        searchable
        w={200}
      />
      <TextInput label="Since" type="date" value={filters.since} onChange={(e) => setFilter('since', e.currentTarget.value)} />
      <TextInput label="Until" type="date" value={filters.until} onChange={(e) => setFilter('until', e.currentTarget.value)} />
      {filtered ? (
        <Button variant="subtle" onClick={clearFilters}>
          Clear filters
        </Button>
      ) : null}
    </Group>
  )
}
