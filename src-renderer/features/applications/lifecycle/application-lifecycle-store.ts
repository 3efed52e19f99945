/**
 * Whether each application the lifecycle buttons show is retired, as the engine last said. The
 * buttons learn it themselves, so a page can mount them with just an id and a name, and the
 * toast's Undo (which outlives the button that offered it) keeps them right.
 */
import { create } from 'zustand'
import type { ApplicationReinstatement, ApplicationRetirement } from '../../../../src-shared/domain/lifecycle'
import { client } from '../../../api/client'

interface ApplicationLifecycleState {
  /** Per application id: when it retired, null while active; absent until learned. */
  retiredAt: Record<string, string | null>
  learn(id: string): Promise<void>
  rehearseRetirement(id: string): Promise<ApplicationRetirement>
  retire(id: string): Promise<ApplicationRetirement>
  reinstate(id: string): Promise<ApplicationReinstatement>
}

export const useApplicationLifecycle = create<ApplicationLifecycleState>((set) => {
  const remember = (id: string, retiredAt: string | null) => set((state) => ({ retiredAt: { ...state.retiredAt, [id]: retiredAt } }))
  return {
    retiredAt: {},
    async learn(id) {
      const application = await client.call('applications.get', { id })
      remember(id, application.retired_at)
    },
    rehearseRetirement: (id) => client.call('applications.retire', { id, dry_run: true }),
    async retire(id) {
      const retirement = await client.call('applications.retire', { id })
      remember(id, retirement.application.retired_at)
      return retirement
    },
    async reinstate(id) {
      const reinstatement = await client.call('applications.reinstate', { id })
      remember(id, reinstatement.application.retired_at)
      return reinstatement
    },
  }
})
