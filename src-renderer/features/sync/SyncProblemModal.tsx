/**
 * One change the server refused, to settle: a stale policy edit shows both versions side by side
 * (as the policy screen's own conflict does), a stale edit of an application, person, group or
 * rule shows the server's version now beside the edit, each with "Keep the server's version" and
 * "Send mine over it"; any other refusal offers to discard the change. Closing decides nothing:
 * the change waits.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { EditConflict } from '../../../src-shared/domain/conflicts'
import type { SyncProblem } from '../../../src-shared/domain/sync'
import { FormError } from '../../components/FormError'
import { notifyDone } from '../../components/feedback'
import { formatDate } from '../../components/format'
import { WRAPPING_MODAL_TITLE } from '../../components/long-text'
import { usePeople } from '../people/people-store'
import { ConflictTable } from '../policies/detail/EditConflictModal'
import { RecordConflictTable } from './RecordConflictTable'
import { recordConflictStory, recordConflictTitle } from './record-conflict-wording'
import { useSync } from './sync-store'
import { choicesFor } from './sync-wording'

const DONE: Record<'theirs' | 'mine', string> = {
  theirs: 'Your change was dropped; this workspace keeps the server’s version.',
  mine: 'Your change was sent again over the server’s version.',
}

export function SyncProblemModal({ problem, onClose }: { problem: SyncProblem | undefined; onClose(): void }) {
  const resolve = useSync((state) => state.resolve)
  const loadPeople = usePeople((state) => state.load)
  const [saving, setSaving] = useState<'theirs' | 'mine'>()
  const [error, setError] = useState<string>()
  const conflict = problem?.conflict
  // A person's groups and a group's members are shown by name.
  const namesPeople = conflict !== undefined && (conflict.kind === 'person' || conflict.kind === 'group')
  useEffect(() => {
    if (namesPeople) void loadPeople()
  }, [namesPeople, loadPeople])
  if (!problem) return null

  async function choose(choice: 'theirs' | 'mine') {
    if (!problem) return
    setSaving(choice)
    setError(undefined)
    try {
      await resolve(problem.command_id, choice)
      notifyDone(DONE[choice])
      onClose()
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setSaving(undefined)
    }
  }

  return (
    <Modal opened onClose={onClose} title={titleFor(conflict)} size={conflict ? 'xl' : 'lg'} styles={WRAPPING_MODAL_TITLE}>
      <Stack>
        <Text size="sm" fw={600} data-testid="sync-problem-summary">
          {problem.summary}
        </Text>
        {conflict?.kind === 'policy' ? (
          <Text size="sm">
            You made this change at {formatDate(problem.made_at)} on version {conflict.base.version}. {conflict.current.actor.name} saved version {conflict.current.version} on the server at{' '}
            {formatDate(conflict.current.created_at)}. Your change is kept on this computer until you choose.
          </Text>
        ) : conflict ? (
          <Text size="sm">{recordConflictStory(conflict, problem.made_at, formatDate)}</Text>
        ) : (
          <Text size="sm">You made this change at {formatDate(problem.made_at)}. It is kept on this computer until you discard it.</Text>
        )}
        <Text size="sm">
          <Text span fw={600} size="sm">
            The server said:{' '}
          </Text>
          {problem.message}
        </Text>
        {conflict?.kind === 'policy' ? <ConflictTable conflict={conflict} /> : conflict ? <RecordConflictTable conflict={conflict} /> : null}
        <FormError message={error} />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onClose} disabled={saving !== undefined}>
            Decide later
          </Button>
          {choicesFor(problem).map(({ choice, label }) => (
            <Button key={choice} variant={choice === 'theirs' && conflict ? 'default' : 'filled'} color={choice === 'theirs' && !conflict ? 'red' : undefined} onClick={() => void choose(choice)} loading={saving === choice} disabled={saving !== undefined && saving !== choice}>
              {label}
            </Button>
          ))}
        </Group>
      </Stack>
    </Modal>
  )
}

function titleFor(conflict: EditConflict | undefined): string {
  if (!conflict) return 'The server refused a change made here'
  return conflict.kind === 'policy' ? `${conflict.current.actor.name} changed this policy on the server meanwhile` : recordConflictTitle(conflict)
}
