/** The audit trail as auditors read it: who did what, when, to which record, newest first. */
import { Alert, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { formatDate } from '../../components/format'
import { AuditFilters } from './AuditFilters'
import { useAudit } from './audit-store'
import { describeChange } from './describe-change'

function Change({ before, after }: { before: unknown; after: unknown }) {
  const lines = describeChange(before, after)
  if (lines.length === 0) return <>—</>
  return (
    <Stack gap={2}>
      {lines.map((line, index) => (
        <Text key={`${line.field}-${index}`} size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {line.field ? <Text span fw={600} size="xs" ff="monospace">{`${line.field}: `}</Text> : null}
          {line.before !== undefined ? (
            <Text span c="red" size="xs" ff="monospace">
              {line.before}
            </Text>
          ) : null}
          {line.before !== undefined && line.after !== undefined ? ' → ' : null}
          {line.after !== undefined ? (
            <Text span c="green" size="xs" ff="monospace">
              {line.after}
            </Text>
          ) : null}
        </Text>
      ))}
    </Stack>
  )
}

export function AuditLogScreen() {
  const { events, error, load } = useAudit()

  useEffect(() => {
    void load()
  }, [load])

  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Text c="dimmed" size="sm">
        Every change to this workspace, append-only. Recorded in the same transaction as the change itself.
      </Text>
      <AuditFilters />
      {error ? <Alert color="red">{error}</Alert> : null}
      <Table striped aria-label="Audit events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Record</Table.Th>
            <Table.Th>Before → after</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id} data-testid="audit-row">
              <Table.Td>{formatDate(event.at)}</Table.Td>
              <Table.Td>{event.actor.name}</Table.Td>
              <Table.Td>{event.action}</Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {event.entity_type}
                </Text>
                <Text size="xs" ff="monospace">
                  {event.entity_id}
                </Text>
              </Table.Td>
              <Table.Td maw={520}>
                <Change before={event.before} after={event.after} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {events.length === 0 ? (
        <Text c="dimmed" ta="center">
          No events match these filters.
        </Text>
      ) : null}
    </Stack>
  )
}
