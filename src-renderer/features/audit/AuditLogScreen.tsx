/**
 * The audit trail as auditors read it: who did what, when, to which record, newest first, in
 * words; page by page back to the oldest event, with the filters kept.
 */
import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import { client } from '../../api/client'
import { notifyDone, notifyFailed } from '../../components/feedback'
import { saveFile } from '../../components/save-file'
import { AuditEventRow } from './AuditEventRow'
import { AuditFilters } from './AuditFilters'
import { auditQuery, useAudit } from './audit-store'

export function AuditLogScreen() {
  const { events, filters, nextBeforeId, loadingOlder, error, load, loadOlder } = useAudit()
  const [exporting, setExporting] = useState(false)

  useEffect(() => {
    void load()
  }, [load])

  async function exportCsv() {
    setExporting(true)
    try {
      const file = await client.call('audit.export', auditQuery(filters))
      saveFile(file.filename, file.csv, 'text/csv;charset=utf-8')
      notifyDone(`Exported the filtered audit log as ${file.filename}.`)
    } catch (failure) {
      notifyFailed(failure, 'Could not export the audit log')
    } finally {
      setExporting(false)
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Audit log</Title>
          <Text c="dimmed" size="sm">
            Every change to this workspace, append-only. Recorded in the same transaction as the change itself.
          </Text>
        </div>
        <Button variant="default" onClick={() => void exportCsv()} loading={exporting}>
          Export CSV
        </Button>
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
            <AuditEventRow key={event.id} event={event} />
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
