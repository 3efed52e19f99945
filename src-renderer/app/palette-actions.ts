/** What the command palette can do besides jumping to an item: go to each area, create, and shell commands. */
import { useWizard } from '../features/policies/wizard/wizard-store'
import { notifyDone, notifyFailed } from '../components/feedback'
import { AREAS, useNavigation } from './navigation'
import { useShell } from './shell-store'
import { SHORTCUTS } from './shortcuts'
import { useWorkspace } from './workspace-store'

export interface PaletteAction {
  id: string
  label: string
  /** Other words it answers to. */
  keywords: string
  /** The keyboard shortcut doing the same, if any (as shortcuts.ts names it). */
  shortcut?: readonly string[]
  run(): void
}

const shortcutFor = (description: string) => SHORTCUTS.find((shortcut) => shortcut.description === description)?.keys

export function paletteActions(options: { workspaceEmpty: boolean; colorScheme: 'light' | 'dark'; setColorScheme(scheme: 'light' | 'dark'): void }): PaletteAction[] {
  const { go } = useNavigation.getState()
  const other = options.colorScheme === 'dark' ? 'light' : 'dark'
  const actions: PaletteAction[] = [
    {
      id: 'new-policy',
      label: 'New policy',
      keywords: 'create policy wizard',
      run: () => {
        useWizard.getState().startBlank()
        go('policies', ['new'])
      },
    },
    { id: 'new-application', label: 'New application', keywords: 'create register application', run: () => go('applications', [], { create: '1' }) },
    ...AREAS.map((area) => ({ id: `go-${area.id}`, label: `Go to ${area.label}`, keywords: `open area ${area.id}`, shortcut: shortcutFor(area.label), run: () => go(area.id) })),
    { id: 'theme', label: `Switch to ${other} theme`, keywords: 'toggle theme dark light colour color scheme', run: () => options.setColorScheme(other) },
    { id: 'shortcuts', label: 'Show keyboard shortcuts', keywords: 'help keys', shortcut: ['?'], run: () => useShell.getState().setHelpOpen(true) },
  ]
  if (options.workspaceEmpty) {
    actions.push({
      id: 'load-sample',
      label: 'Load sample workspace',
      keywords: 'demo example portfolio',
      run: () => {
        useWorkspace
          .getState()
          .loadSample()
          .then(
            (created) => {
              notifyDone(`Loaded the sample workspace: ${created} applications.`)
              go('applications')
            },
            (error: unknown) => notifyFailed(error, 'Could not load the sample workspace'),
          )
      },
    })
  }
  return actions
}
