/** The shell's own overlays: the command palette and the keyboard shortcuts help. */
import { create } from 'zustand'

interface ShellState {
  paletteOpen: boolean
  helpOpen: boolean
  setPaletteOpen(open: boolean): void
  setHelpOpen(open: boolean): void
}

export const useShell = create<ShellState>((set) => ({
  paletteOpen: false,
  helpOpen: false,
  // One overlay at a time: opening one closes the other.
  setPaletteOpen: (open) => set(open ? { paletteOpen: true, helpOpen: false } : { paletteOpen: false }),
  setHelpOpen: (open) => set(open ? { helpOpen: true, paletteOpen: false } : { helpOpen: false }),
}))
