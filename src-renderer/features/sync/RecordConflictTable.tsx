/**
 * A stale edit of an application, person, group or rule, field by field: the server's version now
 * beside the edit. A policy's conflict has its own table (both versions whole); these records keep
 * no versions, so the server's is shown as it is now.
 */
import { Table, Text } from '@mantine/core'
import type { RecordConflict } from '../../../src-shared/domain/conflicts'
import { usePeople } from '../people/people-store'
import { recordConflictRows } from './record-conflict-wording'

export function RecordConflictTable({ conflict }: { conflict: RecordConflict }) {
  const users = usePeople((state) => state.users)
  const groups = usePeople((state) => state.groups)
  const names = new Map([...users, ...groups].map((known) => [known.id, known.name]))
  const deleting = conflict.change === 'delete'
  return (
    <Table aria-label="The server’s version and your change, field by field" striped withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>
            On the server now (version {conflict.current.version}
            {conflict.current.changed_by ? `, ${conflict.current.changed_by.name}` : ''})
          </Table.Th>
          <Table.Th>{deleting ? 'Your change' : 'Your edit'}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {recordConflictRows(conflict, names).map((row) => (
          <Table.Tr key={row.field} data-testid="conflict-row">
            <Table.Td>{row.label}</Table.Td>
            <Table.Td>{row.theirs}</Table.Td>
            <Table.Td>
              {deleting ? (
                <Text size="sm">deleted</Text>
              ) : row.yours === undefined ? (
                <Text size="sm" c="dimmed">
                  as on the server
                </Text>
              ) : (
                <Text size="sm" fw={600}>
                  {row.yours}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
