/** The audit trail as auditors read it: who did what, when, to which record, newest first. */
import { Alert, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useEffect } from 'react'
import { useAudit } from './audit-store'

const ENTITY_TYPES = ['application', 'api_token', 'workspace']

export function AuditLogScreen() {
  const { events, entityType, entityId, error, load, setEntityType, setEntityId } = useAudit()

  useEffect(() => {
    void load()
  }, [load])

  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Text c="dimmed" size="sm">
        Every change to this workspace, append-only. Recorded in the same transaction as the change itself.
      </Text>
      <Group>
        <Select label="Record type" placeholder="Any" data={ENTITY_TYPES} value={entityType} onChange={setEntityType} clearable />
        <TextInput label="Record id" placeholder="e.g. app_…" value={entityId} onChange={(e) => setEntityId(e.currentTarget.value)} />
      </Group>
      {error ? <Alert color="red">{error}</Alert> : null}
      <Table striped aria-label="Audit events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Record</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>{new Date(event.at).toLocaleString()}</Table.Td>
              <Table.Td>{event.actor.name}</Table.Td>
              <Table.Td>{event.action}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {event.entity_id}
                </Text>
              </Table.Td>
              <Table.Td>
                {event.after ? <Code block>{JSON.stringify(event.after, null, 1).slice(0, 400)}</Code> : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}
