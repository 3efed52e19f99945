/**
 * "Turn on reminders": the one place the browser console asks for permission to notify, and only
 * when clicked. In the desktop app it says the app notifies by itself.
 */
import { Button, Group, Text } from '@mantine/core'
import { useState } from 'react'
import { useReminders } from './reminders'

export function RemindersControl() {
  const { permission, mutedHere, turnOn, turnOff } = useReminders()
  const [asking, setAsking] = useState(false)
  const on = permission === 'granted' && !mutedHere

  if (permission === 'desktop') {
    return (
      <Text size="sm">
        The desktop app shows attestation reminders as system notifications, and the number awaiting you on its tray icon.
      </Text>
    )
  }
  if (permission === 'unsupported') {
    return (
      <Text size="sm" c="dimmed">
        This browser cannot show notifications for this page: browsers allow them only over HTTPS or for a console on this computer.
      </Text>
    )
  }
  if (permission === 'denied') {
    return (
      <Text size="sm" c="dimmed">
        Notifications are blocked for this site. To get reminders, allow notifications in the browser’s site settings, then reload the page.
      </Text>
    )
  }
  return (
    <Group justify="space-between" wrap="nowrap">
      <Text size="sm">
        {on
          ? 'Reminders are on: this browser notifies you when a sign-off is requested of you, is due or is overdue.'
          : 'Get a browser notification when a sign-off is requested of you, is due or is overdue.'}
      </Text>
      {on ? (
        <Button variant="default" onClick={turnOff}>
          Turn off reminders
        </Button>
      ) : (
        <Button
          loading={asking}
          onClick={() => {
            setAsking(true)
            void turnOn().finally(() => setAsking(false))
          }}
        >
          Turn on reminders
        </Button>
      )}
    </Group>
  )
}
