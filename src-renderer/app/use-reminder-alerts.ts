/**
 * The shell's side of attestation reminders: reads them once the workspace and person are known,
 * keeps the count in the page title, and in the desktop app opens the page a clicked OS
 * notification asks for.
 */
import { useEffect } from 'react'
import { isOpenRoute } from '../../src-shared/api/bridge'
import { titleWithCount } from '../../src-shared/domain/reminder-alerts'
import { client } from '../api/client'
import { useReminders } from './reminders'
import { useWorkspace } from './workspace-store'

const TITLE = 'Governance Console'

export function useReminderAlerts(): void {
  const path = useWorkspace((state) => state.info?.path)
  const person = useWorkspace((state) => state.actor?.id)
  const awaiting = useReminders((state) => state.awaiting)

  useEffect(() => {
    if (path && person) void useReminders.getState().refresh()
  }, [path, person])

  useEffect(() => {
    document.title = titleWithCount(TITLE, awaiting ?? 0)
  }, [awaiting])

  useEffect(
    () =>
      client.transport.onOpen((route) => {
        // Checked again here: the page opens only the routes main may send.
        if (isOpenRoute(route)) window.location.hash = route
      }),
    [],
  )
}
