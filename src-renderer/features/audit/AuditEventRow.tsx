/** One audit event: who did what to which record, in words, and on request the fields it changed, before and after. */
import { Anchor, Button, Table, Text } from '@mantine/core'
import { useState } from 'react'
import type { AuditEvent } from '../../../src-shared/domain/audit'
import { hrefOf } from '../../app/navigation'
import { formatDate } from '../../components/format'
import { WRAP_ANYWHERE } from '../../components/long-text'
import { describeAuditEvent } from '../../../src-shared/domain/audit-description'
import { describeChange } from './describe-change'

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Field by field; a record created or removed whole lists its fields against nothing. */
function changedFields(event: AuditEvent) {
  const before = event.before === null && isRecord(event.after) ? {} : event.before
  const after = event.after === null && isRecord(event.before) ? {} : event.after
  return describeChange(before, after, Number.POSITIVE_INFINITY)
}

function FieldChanges({ event, lines }: { event: AuditEvent; lines: ReturnType<typeof changedFields> }) {
  return (
    <Table aria-label={`Changes in event ${event.id}`} verticalSpacing={2} fz="xs" withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="20%">Field</Table.Th>
          <Table.Th w="40%">Before</Table.Th>
          <Table.Th w="40%">After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((line, index) => (
          <Table.Tr key={`${line.field}-${index}`}>
            <Table.Td ff="monospace">{line.field || '—'}</Table.Td>
            <Table.Td c="red" style={WRAP_ANYWHERE}>
              {line.before ?? '—'}
            </Table.Td>
            <Table.Td c="green" style={WRAP_ANYWHERE}>
              {line.after ?? '—'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function AuditEventRow({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false)
  const lines = changedFields(event)
  // A record created or removed whole has fields recorded, not changed.
  const kind = event.before === null || event.after === null ? 'recorded' : 'changed'
  const count = lines.length === 1 ? `the ${kind} field` : `the ${lines.length} ${kind} fields`
  return (
    <>
      <Table.Tr data-testid="audit-row" data-event-id={event.id}>
        <Table.Td>{formatDate(event.at)}</Table.Td>
        <Table.Td style={WRAP_ANYWHERE}>{event.actor.name}</Table.Td>
        <Table.Td>
          <Text size="sm" data-testid="audit-words" style={WRAP_ANYWHERE}>
            {describeAuditEvent(event, { actor: false })}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" data-testid="audit-action">
            {event.action}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="xs" c="dimmed">
            {event.entity_type}
          </Text>
          {event.entity_type === 'application' || event.entity_type === 'policy' ? (
            <Anchor size="xs" ff="monospace" href={hrefOf(event.entity_type === 'application' ? 'applications' : 'policies', [event.entity_id])} style={WRAP_ANYWHERE}>
              {event.entity_id}
            </Anchor>
          ) : (
            <Text size="xs" ff="monospace" style={WRAP_ANYWHERE}>
              {event.entity_id}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          {lines.length ? (
            <Button size="compact-xs" variant="subtle" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : 'Show'} {count}
            </Button>
          ) : (
            '—'
          )}
        </Table.Td>
      </Table.Tr>
      {open ? (
        <Table.Tr>
          <Table.Td colSpan={5} bg="var(--mantine-color-default-hover)">
            <FieldChanges event={event} lines={lines} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  )
}
