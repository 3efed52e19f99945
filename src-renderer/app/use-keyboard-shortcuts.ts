/** Listens for the shortcuts of shortcuts.ts, one key or a sequence of keys (`g` then `d`). */
import { useEffect } from 'react'
import { isMac, SHORTCUTS, type Shortcut } from './shortcuts'
import { useShell } from './shell-store'

/** How long `g` waits for the key that completes it. */
const SEQUENCE_MS = 1500

const NOT_TYPING_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'])

/** A shortcut must not steal a key someone is typing into a field. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true
  return target instanceof HTMLInputElement && !NOT_TYPING_INPUTS.has(target.type)
}

/** The key as shortcuts.ts names it, or null for keys no shortcut uses (Alt chords, lone modifiers). */
function keyName(event: KeyboardEvent): string | null {
  if (['Shift', 'Control', 'Alt', 'Meta'].includes(event.key) || event.altKey) return null
  const mod = isMac ? event.metaKey : event.ctrlKey
  if (mod) return `mod+${event.key.toLowerCase()}`
  if (event.ctrlKey || event.metaKey) return null
  return event.key
}

const startsWith = (shortcut: Shortcut, keys: readonly string[]) => keys.every((key, index) => shortcut.keys[index] === key)

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    let pending: string[] = []
    let timer: ReturnType<typeof setTimeout> | undefined

    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.repeat) return
      const key = keyName(event)
      if (!key) return
      const typing = isTyping(event.target)
      // A dialog's keys are its own (its focus trap keeps them inside it); the palette still closes
      // with the shortcut that opened it.
      const inDialog = event.target instanceof Element && event.target.closest('[role="dialog"]') !== null
      const usable = SHORTCUTS.filter((shortcut) => (!typing || shortcut.whileTyping) && (!inDialog || (shortcut.whileTyping && useShell.getState().paletteOpen)))

      for (const keys of [[...pending, key], [key]]) {
        const exact = usable.find((shortcut) => shortcut.keys.length === keys.length && startsWith(shortcut, keys))
        if (exact) {
          pending = []
          if (exact.run() !== false) event.preventDefault()
          return
        }
        if (usable.some((shortcut) => shortcut.keys.length > keys.length && startsWith(shortcut, keys))) {
          pending = keys
          clearTimeout(timer)
          timer = setTimeout(() => (pending = []), SEQUENCE_MS)
          return
        }
      }
      pending = []
    }

    document.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('keydown', onKeyDown)
      clearTimeout(timer)
    }
  }, [])
}
