/**
 * A policy edit refused because someone saved a newer version meanwhile: the version the edit
 * started from, the version now and the edit, side by side for every field either side changed.
 * The person chooses: apply their edit to the version now (what they did not touch stays as the
 * other person left it), or keep the version now and drop their edit. Nothing is overwritten
 * without that choice.
 */
import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core'
import { useState } from 'react'
import type { PolicyConflict } from '../../../../src-shared/domain/policy'
import { FormError } from '../../../components/FormError'
import { notifyDone } from '../../../components/feedback'
import { formatDate, formatValue } from '../../../components/format'
import { WRAPPING_MODAL_TITLE } from '../../../components/long-text'
import { usePolicyDetail } from './policy-detail-store'

interface ConflictRow {
  path: string
  base: unknown
  current: unknown
  /** The edit's value, or undefined where the edit leaves the version now as it is. */
  yours: unknown
}

/** One row per field either side changed: theirs run from the base to now, yours from now to the edit. */
export function conflictRows(conflict: PolicyConflict): ConflictRow[] {
  const rows = new Map<string, ConflictRow>()
  for (const change of conflict.their_changes) rows.set(change.path, { path: change.path, base: change.before, current: change.after, yours: undefined })
  for (const change of conflict.your_changes) {
    const row = rows.get(change.path)
    rows.set(change.path, { path: change.path, base: row ? row.base : change.before, current: change.before, yours: change.after })
  }
  return [...rows.values()]
}

/** Both versions and the edit, field by field: the policy screen's conflict and a sync conflict show it alike. */
export function ConflictTable({ conflict }: { conflict: PolicyConflict }) {
  const { base, current } = conflict
  return (
    <Table aria-label="Both versions, field by field" striped withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Version {base.version} (you started from)</Table.Th>
          <Table.Th>
            Version {current.version} now ({current.actor.name})
          </Table.Th>
          <Table.Th>Your edit</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {conflictRows(conflict).map((row) => (
          <Table.Tr key={row.path} data-testid="conflict-row">
            <Table.Td>
              <Text size="sm" ff="monospace">
                {row.path}
              </Text>
            </Table.Td>
            <Table.Td>{formatValue(row.base, 200)}</Table.Td>
            <Table.Td>{formatValue(row.current, 200)}</Table.Td>
            <Table.Td>{row.yours === undefined ? <Text size="sm" c="dimmed">as in version {current.version}</Text> : formatValue(row.yours, 200)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function EditConflictModal() {
  const pending = usePolicyDetail((state) => state.conflict)
  const resolve = usePolicyDetail((state) => state.resolveConflict)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string>()
  if (!pending) return null
  const { base, current } = pending.conflict

  async function choose(choice: 'apply_mine' | 'keep_current') {
    setSaving(true)
    setError(undefined)
    try {
      const saved = await resolve(choice)
      if (saved) notifyDone(`Applied your edit to version ${current.version}: ${saved.name} is now at version ${saved.version}.`)
    } catch (failure) {
      // A newer conflict replaces this one on screen; anything else is said here.
      if (!usePolicyDetail.getState().conflict) setError((failure as Error).message)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal opened onClose={() => void choose('keep_current')} title={`${current.actor.name} changed this policy while you were editing`} size="xl" styles={WRAPPING_MODAL_TITLE}>
      <Stack>
        <Text size="sm">
          Your edit was made on version {base.version}. {current.actor.name} saved version {current.version} at {formatDate(current.created_at)}. Nothing of yours has been saved yet.
        </Text>
        <ConflictTable conflict={pending.conflict} />
        <FormError message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void choose('keep_current')} disabled={saving}>
            Keep version {current.version}, drop my edit
          </Button>
          <Button onClick={() => void choose('apply_mine')} loading={saving}>
            Apply my edit to version {current.version}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
