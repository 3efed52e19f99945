/**
 * Feedback every screen gives the same way: a toast confirming what was done (with Undo where the
 * change can be reversed), a toast naming what failed, and a confirmation that names the
 * consequences before anything hard to reverse happens.
 */
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core'
import { Notifications, notifications } from '@mantine/notifications'
import { create } from 'zustand'
import { ApiError } from '../../src-shared/api/errors'

const TOAST_MS = 6000

/** Says that an action succeeded; with `undo`, offers to reverse it until the toast closes. */
export function notifyDone(message: string, options: { title?: string; undo?: () => Promise<unknown> } = {}): void {
  const id = notifications.show({
    title: options.title,
    color: 'green',
    autoClose: options.undo ? TOAST_MS * 1.5 : TOAST_MS,
    message: options.undo ? (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{message}</Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            notifications.hide(id)
            options.undo!().then(
              () => notifyDone('Undone.'),
              (error: unknown) => notifyFailed(error, 'Could not undo'),
            )
          }}
        >
          Undo
        </Button>
      </Group>
    ) : (
      message
    ),
  })
}

/** Names what failed, in the engine's own words when it gave some. */
export function notifyFailed(error: unknown, title = 'That did not work'): void {
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error)
  notifications.show({ title, message, color: 'red', autoClose: TOAST_MS * 2 })
}

export interface Confirmation {
  title: string
  /** What will happen, in plain words, one consequence per item. */
  consequences: string[]
  /** Consequences someone is likely to regret, shown above the rest where they cannot be missed. */
  warnings?: string[]
  confirmLabel: string
  /** Red confirm button, for removals and other changes that take something away. */
  danger?: boolean
}

interface ConfirmState {
  open: (Confirmation & { resolve(answer: boolean): void }) | null
}

const useConfirm = create<ConfirmState>(() => ({ open: null }))

/** Asks before an action with consequences; resolves true only when the person confirms. */
export function confirmAction(confirmation: Confirmation): Promise<boolean> {
  useConfirm.getState().open?.resolve(false)
  return new Promise((resolve) => useConfirm.setState({ open: { ...confirmation, resolve } }))
}

function ConfirmDialog() {
  const open = useConfirm((state) => state.open)
  const answer = (value: boolean) => {
    open?.resolve(value)
    useConfirm.setState({ open: null })
  }
  return (
    <Modal opened={open !== null} onClose={() => answer(false)} title={open?.title} centered>
      {open && (
        <Stack>
          {open.warnings?.length ? (
            <Alert color="red" variant="light" title={open.warnings.length === 1 ? 'Warning' : `${open.warnings.length} warnings`}>
              <Stack gap={4}>
                {open.warnings.map((line) => (
                  <Text key={line} size="sm">
                    {line}
                  </Text>
                ))}
              </Stack>
            </Alert>
          ) : null}
          {open.consequences.length === 1 ? (
            <Text size="sm">{open.consequences[0]}</Text>
          ) : (
            <List size="sm" spacing={4}>
              {open.consequences.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => answer(false)}>
              Cancel
            </Button>
            <Button color={open.danger ? 'red' : undefined} onClick={() => answer(true)} data-autofocus>
              {open.confirmLabel}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/** Mounted once, beside the app: where toasts and confirmations appear. */
export function FeedbackHost() {
  return (
    <>
      {/* Top right, not bottom right: there a toast sat on the wizard's Next and the dialogs' confirm buttons for its six seconds. */}
      <Notifications position="top-right" limit={4} />
      <ConfirmDialog />
    </>
  )
}
