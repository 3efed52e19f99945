/**
 * How this workspace's sync with its server stands, for the header and Settings: read on a timer
 * (every 2 s while a pull runs, 15 s otherwise) and after every change, and the few actions the
 * person takes (connect, sync now, settle a problem, disconnect). The engine decides everything.
 */
import { create } from 'zustand'
import type { ConnectDraft, SyncStatus } from '../../../src-shared/domain/sync'
import { client } from '../../api/client'
import { pollIntervalFor } from './sync-wording'

interface SyncStore {
  status?: SyncStatus
  /** When the status was last read: the moment "Synced 2 min ago" counts from. */
  readAt: number
  /** Why the status could not be read, when it could not; the header then stays quiet. */
  readError?: string
  /** Asks how the sync stands; calls made meanwhile are answered by one more read. */
  load(): Promise<void>
  /** Reads now and then on the timer until the returned function is called. */
  startPolling(): () => void
  syncNow(): Promise<void>
  /** Throws the engine's error (with its fields) for the form to show. */
  connect(draft: ConnectDraft): Promise<void>
  disconnect(): Promise<void>
  resolve(commandId: string, choice: 'theirs' | 'mine'): Promise<void>
}

export const useSync = create<SyncStore>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  let polling = 0
  let running: Promise<void> | undefined
  let again = false

  /** The next read, as soon as this status asks for (a pull just begun is followed closely). */
  function scheduleNext(): void {
    if (timer) clearTimeout(timer)
    timer = polling > 0 ? setTimeout(() => void get().load(), pollIntervalFor(get().status)) : undefined
  }

  function settled(status: SyncStatus): void {
    set({ status, readAt: Date.now(), readError: undefined })
    scheduleNext()
  }

  async function readOnce(): Promise<void> {
    try {
      settled(await client.call('sync.status', {}))
    } catch (error) {
      set({ readError: (error as Error).message, readAt: Date.now() })
      scheduleNext()
    }
  }

  return {
    readAt: Date.now(),
    load() {
      if (running) {
        again = true
        return running
      }
      running = (async () => {
        do {
          again = false
          await readOnce()
        } while (again)
      })().finally(() => (running = undefined))
      return running
    },
    startPolling() {
      polling += 1
      void get().load()
      return () => {
        polling -= 1
        scheduleNext()
      }
    },
    async syncNow() {
      settled(await client.call('sync.now', {}))
    },
    async connect(draft) {
      settled(await client.call('sync.connect', draft))
    },
    async disconnect() {
      settled(await client.call('sync.disconnect', {}))
    },
    async resolve(commandId, choice) {
      settled(await client.call('sync.resolve', { command_id: commandId, choice }))
    },
  }
})
