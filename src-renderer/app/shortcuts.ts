/**
 * The console's keyboard shortcuts, defined once: the key handler runs them and the help overlay
 * lists them, so the two cannot disagree.
 */
import { AREAS, useNavigation, type AreaId } from './navigation'
import { useShell } from './shell-store'

export interface Shortcut {
  /** Keys pressed in turn (`['g', 'd']`); `mod+k` is Ctrl+K, or ⌘K on a Mac. */
  keys: readonly string[]
  description: string
  group: 'General' | 'Go to' | 'Lists'
  /** Whether it also works while typing in a field (only chords with a modifier do). */
  whileTyping?: boolean
  /** Runs it; returns false when it does not apply here, so the key keeps its usual meaning. */
  run(): boolean | void
}

/** The letter after `g` for each area. */
const GO_KEYS: Record<AreaId, string> = {
  dashboard: 'd',
  applications: 'a',
  policies: 'p',
  templates: 't',
  attestations: 'i',
  reports: 'r',
  audit: 'l',
  settings: 's',
}

const goTo = (area: AreaId) => () => useNavigation.getState().go(area)

/** The search box of the list on screen, marked `data-list-search`. */
function focusListSearch(): boolean {
  const search = document.querySelector<HTMLElement>('[data-list-search]')
  if (!search) return false
  search.focus()
  return true
}

export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: ['mod+k'],
    description: 'Open the command palette',
    group: 'General',
    whileTyping: true,
    run: () => useShell.getState().setPaletteOpen(!useShell.getState().paletteOpen),
  },
  { keys: ['?'], description: 'Show keyboard shortcuts', group: 'General', run: () => useShell.getState().setHelpOpen(true) },
  { keys: ['/'], description: 'Search the list on screen', group: 'Lists', run: focusListSearch },
  ...AREAS.map((area): Shortcut => ({ keys: ['g', GO_KEYS[area.id]], description: area.label, group: 'Go to', run: goTo(area.id) })),
]

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** How a key reads in the help overlay and the palette: `Ctrl K`, `⌘ K`, `g`. */
export function keyLabel(key: string): string {
  return key.replace('mod+', isMac ? '⌘ ' : 'Ctrl ').replace(/\b([a-z])$/, (letter) => (key.startsWith('mod+') ? letter.toUpperCase() : letter))
}
