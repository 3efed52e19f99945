/** Brings a retired application back under the policies it had, with a toast saying what coverage returned. */
import { Button } from '@mantine/core'
import { useState } from 'react'
import { notifyDone, notifyFailed } from '../../../components/feedback'
import { useApplicationLifecycle } from './application-lifecycle-store'
import { reinstatementSummary } from './retirement-consequences'

interface Props {
  application: { id: string; name: string }
  onReinstated?(): void
}

export function ReinstateApplicationButton({ application, onReinstated }: Props) {
  const reinstate = useApplicationLifecycle((state) => state.reinstate)
  const [busy, setBusy] = useState(false)

  async function run() {
    setBusy(true)
    try {
      notifyDone(reinstatementSummary(application.name, await reinstate(application.id)))
      onReinstated?.()
    } catch (error) {
      notifyFailed(error, `Could not reinstate ${application.name}`)
    } finally {
      setBusy(false)
    }
  }

  // Nothing to confirm: reinstating takes nothing away, and retiring again undoes it.
  return (
    <Button variant="default" loading={busy} onClick={() => void run()}>
      Reinstate application
    </Button>
  )
}
