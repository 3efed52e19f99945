/**
 * Retires an application after a confirmation that names what goes with it (coverage, alert
 * rules, open gaps) as the engine's dry run reports it; offers Undo. On a retired application it
 * is the Reinstate button instead, so a page mounts one component whatever the state.
 */
import { Button } from '@mantine/core'
import { useEffect, useState } from 'react'
import { confirmAction, notifyDone, notifyFailed } from '../../../components/feedback'
import { useApplicationLifecycle } from './application-lifecycle-store'
import { ReinstateApplicationButton } from './ReinstateApplicationButton'
import { retirementConsequenceLines } from './retirement-consequences'

interface Props {
  application: { id: string; name: string }
  onRetired?(): void
  onReinstated?(): void
}

export function RetireApplicationButton({ application, onRetired, onReinstated }: Props) {
  const { id, name } = application
  const retiredAt = useApplicationLifecycle((state) => state.retiredAt[id])
  const learn = useApplicationLifecycle((state) => state.learn)
  const rehearseRetirement = useApplicationLifecycle((state) => state.rehearseRetirement)
  const retire = useApplicationLifecycle((state) => state.retire)
  const reinstate = useApplicationLifecycle((state) => state.reinstate)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    learn(id).catch((error: unknown) => notifyFailed(error, `Could not tell whether ${name} is retired`))
  }, [id, name, learn])

  if (retiredAt) return <ReinstateApplicationButton application={application} onReinstated={onReinstated} />

  async function run() {
    setBusy(true)
    try {
      const rehearsal = await rehearseRetirement(id)
      const confirmed = await confirmAction({
        title: `Retire ${name}?`,
        consequences: retirementConsequenceLines(rehearsal.consequences),
        confirmLabel: 'Retire application',
        danger: true,
      })
      if (!confirmed) return
      await retire(id)
      notifyDone(`Retired ${name}`, { undo: () => reinstate(id) })
      onRetired?.()
    } catch (error) {
      notifyFailed(error, `Could not retire ${name}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Button color="red" variant="light" loading={busy || retiredAt === undefined} onClick={() => void run()}>
      Retire application
    </Button>
  )
}
