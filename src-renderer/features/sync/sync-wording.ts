/** How the sync's state reads in the console's header and panel: words only, no rules of the sync itself. */
import type { SyncProblem, SyncStatus } from '../../../src-shared/domain/sync'

/** How often the console asks how the sync stands: often while a pull runs, so its bar moves. */
export const POLL_WHILE_SYNCING_MS = 2_000
export const POLL_MS = 15_000

export function pollIntervalFor(status: SyncStatus | undefined): number {
  return status?.state === 'syncing' ? POLL_WHILE_SYNCING_MS : POLL_MS
}

/** "just now", "2 min ago", "3 h ago", "4 days ago": how long since a moment, rounded down. */
export function formatAgo(iso: string, now: number): string {
  const then = new Date(iso).getTime()
  if (Number.isNaN(then)) return iso
  const seconds = Math.max(0, Math.floor((now - then) / 1000))
  if (seconds < 60) return 'just now'
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  return days === 1 ? 'yesterday' : `${days} days ago`
}

export const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString()} ${count === 1 ? one : many}`

export type SyncTone = 'online' | 'syncing' | 'offline'

/** The header's words for the sync, or undefined for a workspace on its own (nothing to show). */
export function syncHeadline(status: SyncStatus, now: number): { label: string; tone: SyncTone } | undefined {
  const waiting = status.pending ? `${plural(status.pending, 'change')} waiting` : undefined
  switch (status.state) {
    case 'disconnected':
      return undefined
    case 'syncing': {
      const progress = status.progress
      return { label: progress && progress.total ? `Syncing ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}` : 'Syncing…', tone: 'syncing' }
    }
    case 'offline':
      return { label: waiting ? `Offline — ${waiting}` : 'Offline', tone: 'offline' }
    case 'online': {
      const synced = status.last_synced_at ? `Synced ${formatAgo(status.last_synced_at, now)}` : 'Not synced yet'
      return { label: waiting ? `${synced} · ${waiting}` : synced, tone: 'online' }
    }
  }
}

/** The state in a word, for the panel and Settings. */
export const STATE_LABEL: Record<SyncStatus['state'], string> = {
  disconnected: 'Not connected',
  online: 'Online',
  offline: 'Offline: the server cannot be reached',
  syncing: 'Syncing',
}

/** A progress bar's value, 0–100, or undefined when the total is not known yet. */
export function progressPercent(status: SyncStatus): number | undefined {
  const progress = status.progress
  if (!progress || !progress.total) return undefined
  return Math.min(100, Math.round((progress.done / progress.total) * 100))
}

/** What settling a problem each way means, in the words its buttons use. */
export function choicesFor(problem: SyncProblem): Array<{ choice: 'theirs' | 'mine'; label: string }> {
  return problem.kind === 'conflict'
    ? [
        { choice: 'theirs', label: 'Keep the server’s version' },
        { choice: 'mine', label: 'Send mine over it' },
      ]
    : [{ choice: 'theirs', label: 'Discard my change' }]
}
