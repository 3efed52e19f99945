/**
 * Deactivate (after a confirmation naming what it touches, as the engine's dry run reports it,
 * with Undo) or Reactivate one person. The workspace owner gets neither: the desktop app and
 * sign-in links act as them, so the engine refuses, and the row says why instead.
 */
import { Button, Text, Tooltip } from '@mantine/core'
import { useState } from 'react'
import { OWNER_USER_ID, type User } from '../../../src-shared/domain/people'
import { confirmAction, notifyDone, notifyFailed } from '../../components/feedback'
import { deactivationWording } from './deactivation-consequences'
import { usePeople } from './people-store'

const OWNER_STAYS_ACTIVE = 'The desktop app and sign-in links act as the workspace owner, so the owner cannot be deactivated.'

export function PersonLifecycleButton({ user }: { user: User }) {
  const rehearseDeactivation = usePeople((state) => state.rehearseDeactivation)
  const deactivate = usePeople((state) => state.deactivate)
  const reactivate = usePeople((state) => state.reactivate)
  const [busy, setBusy] = useState(false)

  async function deactivateAfterConfirming() {
    setBusy(true)
    try {
      const { consequences, warnings } = deactivationWording((await rehearseDeactivation(user.id)).consequences)
      const confirmed = await confirmAction({ title: `Deactivate ${user.name}?`, consequences, warnings, confirmLabel: 'Deactivate', danger: true })
      if (!confirmed) return
      await deactivate(user.id)
      notifyDone(`Deactivated ${user.name}`, { undo: () => reactivate(user.id) })
    } catch (error) {
      notifyFailed(error, `Could not deactivate ${user.name}`)
    } finally {
      setBusy(false)
    }
  }

  async function reactivateNow() {
    setBusy(true)
    try {
      await reactivate(user.id)
      notifyDone(`Reactivated ${user.name}`)
    } catch (error) {
      notifyFailed(error, `Could not reactivate ${user.name}`)
    } finally {
      setBusy(false)
    }
  }

  if (user.id === OWNER_USER_ID) {
    return (
      <Tooltip label={OWNER_STAYS_ACTIVE} multiline w={260} events={{ hover: true, focus: true, touch: true }}>
        <Text size="xs" c="dimmed" tabIndex={0} data-testid="owner-stays-active" style={{ whiteSpace: 'nowrap' }}>
          Owner: cannot be deactivated
        </Text>
      </Tooltip>
    )
  }
  if (!user.active) {
    return (
      <Button size="xs" variant="subtle" loading={busy} aria-label={`Reactivate ${user.name}`} onClick={() => void reactivateNow()}>
        Reactivate
      </Button>
    )
  }
  return (
    <Button size="xs" variant="subtle" color="red" loading={busy} aria-label={`Deactivate ${user.name}`} onClick={() => void deactivateAfterConfirming()}>
      Deactivate
    </Button>
  )
}
