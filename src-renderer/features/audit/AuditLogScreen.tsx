/**
 * The audit trail as auditors read it: who did what, when, to which record, newest first, in
 * words; page by page back to the oldest event, with the filters kept.
 */
import { Alert, Button, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { useEffect } from 'react'
import { AuditEventRow } from './AuditEventRow'
import { AuditFilters } from './AuditFilters'
import { useAudit } from './audit-store'

export function AuditLogScreen() {
  const { events, names, nextBeforeId, loadingOlder, error, load, loadNames, loadOlder } = useAudit()

  useEffect(() => {
    void load()
    void loadNames()
  }, [load, loadNames])

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Audit log</Title>
          <Text c="dimmed" size="sm">
            Every change to this workspace, append-only. Recorded in the same transaction as the change itself.
          </Text>
        </div>
        {/* AUDIT EXPORT: to call client.call('audit.export', auditQuery(filters)) once the engine's procedure is merged. */}
        <Tooltip label="Exporting the filtered log comes with the engine’s audit export">
          <Button variant="default" disabled data-pending="audit.export">
            Export CSV
          </Button>
        </Tooltip>
      </Group>
      <AuditFilters />
      {error ? <Alert color="red">{error}</Alert> : null}
      <Table striped aria-label="Audit events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Record</Table.Th>
            <Table.Th>Changes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <AuditEventRow key={event.id} event={event} names={names} />
          ))}
        </Table.Tbody>
      </Table>
      {events.length === 0 ? (
        <Text c="dimmed" ta="center">
          No events match these filters.
        </Text>
      ) : (
        <Group justify="center" gap="sm">
          <Text size="sm" c="dimmed">
            Showing the newest {events.length} {events.length === 1 ? 'event' : 'events'}.
          </Text>
          {nextBeforeId !== null ? (
            <Button variant="light" onClick={() => void loadOlder()} loading={loadingOlder}>
              Load older events
            </Button>
          ) : (
            <Text size="sm" c="dimmed">
              This is the oldest event.
            </Text>
          )}
        </Group>
      )}
    </Stack>
  )
}
