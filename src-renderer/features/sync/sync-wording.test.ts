import { describe, expect, it } from 'vitest'
import type { SyncProblem, SyncStatus } from '../../../src-shared/domain/sync'
import { POLL_MS, POLL_WHILE_SYNCING_MS, choicesFor, formatAgo, pollIntervalFor, progressPercent, syncHeadline } from './sync-wording'

const NOW = Date.parse('2026-03-02T10:00:00.000Z')
const status = (over: Partial<SyncStatus>): SyncStatus => ({ state: 'online', server_url: 'https://governance.example.org', last_synced_at: null, pending: 0, problems: [], ...over })
const problem = (kind: SyncProblem['kind']): SyncProblem => ({ command_id: 'cmd_1', procedure: 'policies.update', summary: 'Edit policy Fairness baseline', made_at: '2026-03-02T09:00:00.000Z', kind, message: 'stale' })

describe('the header’s words for the sync', () => {
  it('shows nothing for a workspace that is not connected', () => {
    expect(syncHeadline(status({ state: 'disconnected', server_url: undefined }), NOW)).toBeUndefined()
  })

  it('says how long ago an online workspace last synced', () => {
    expect(syncHeadline(status({ last_synced_at: '2026-03-02T09:58:00.000Z' }), NOW)).toEqual({ label: 'Synced 2 min ago', tone: 'online' })
    expect(syncHeadline(status({ last_synced_at: null }), NOW)?.label).toBe('Not synced yet')
  })

  it('counts the changes waiting, offline and online', () => {
    expect(syncHeadline(status({ state: 'offline', pending: 3 }), NOW)).toEqual({ label: 'Offline — 3 changes waiting', tone: 'offline' })
    expect(syncHeadline(status({ state: 'offline', pending: 1 }), NOW)?.label).toBe('Offline — 1 change waiting')
    expect(syncHeadline(status({ state: 'offline', pending: 0 }), NOW)?.label).toBe('Offline')
    expect(syncHeadline(status({ last_synced_at: '2026-03-02T09:59:50.000Z', pending: 2 }), NOW)?.label).toBe('Synced just now · 2 changes waiting')
  })

  it('shows a pull’s progress as rows done of rows known', () => {
    expect(syncHeadline(status({ state: 'syncing', progress: { done: 1200, total: 48000 } }), NOW)).toEqual({ label: 'Syncing 1,200 of 48,000', tone: 'syncing' })
    expect(syncHeadline(status({ state: 'syncing' }), NOW)?.label).toBe('Syncing…')
    expect(progressPercent(status({ state: 'syncing', progress: { done: 1200, total: 48000 } }))).toBe(3)
    expect(progressPercent(status({ state: 'syncing', progress: { done: 0, total: 0 } }))).toBeUndefined()
    expect(progressPercent(status({ state: 'syncing', progress: { done: 12, total: 10 } }))).toBe(100)
  })
})

describe('how long ago', () => {
  it('rounds down to minutes, hours and days', () => {
    expect(formatAgo('2026-03-02T09:59:30.000Z', NOW)).toBe('just now')
    expect(formatAgo('2026-03-02T09:01:00.000Z', NOW)).toBe('59 min ago')
    expect(formatAgo('2026-03-02T07:00:00.000Z', NOW)).toBe('3 h ago')
    expect(formatAgo('2026-03-01T09:00:00.000Z', NOW)).toBe('yesterday')
    expect(formatAgo('2026-02-25T10:00:00.000Z', NOW)).toBe('5 days ago')
  })

  it('never says "in the future" when the server’s clock runs ahead', () => {
    expect(formatAgo('2026-03-02T10:00:20.000Z', NOW)).toBe('just now')
  })
})

describe('settling a problem', () => {
  it('offers both versions’ choices for a conflict, and discarding for a refusal', () => {
    expect(choicesFor(problem('conflict'))).toEqual([
      { choice: 'theirs', label: 'Keep the server’s version' },
      { choice: 'mine', label: 'Send mine over it' },
    ])
    expect(choicesFor(problem('rejected'))).toEqual([{ choice: 'theirs', label: 'Discard my change' }])
  })
})

describe('how often the console asks', () => {
  it('asks every 2 s while a pull runs and every 15 s otherwise', () => {
    expect(pollIntervalFor(status({ state: 'syncing' }))).toBe(POLL_WHILE_SYNCING_MS)
    expect(pollIntervalFor(status({ state: 'offline' }))).toBe(POLL_MS)
    expect(pollIntervalFor(undefined)).toBe(POLL_MS)
  })
})
