import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../src-shared/api/errors'
import type { SyncStatus } from '../../../src-shared/domain/sync'

const calls: Array<[string, unknown]> = []
let answer: (procedure: string, input: unknown) => unknown
vi.mock('../../api/client', () => ({
  client: {
    transport: { kind: 'http' },
    call: async (procedure: string, input: unknown) => {
      calls.push([procedure, input])
      return answer(procedure, input)
    },
  },
}))

const { useSync } = await import('./sync-store')

const status = (over: Partial<SyncStatus>): SyncStatus => ({ state: 'online', server_url: 'https://governance.example.org', last_synced_at: null, pending: 0, problems: [], ...over })
const statusReads = () => calls.filter(([procedure]) => procedure === 'sync.status').length

let stops: Array<() => void> = []
beforeEach(() => {
  vi.useFakeTimers()
  calls.length = 0
  useSync.setState({ status: undefined, readError: undefined })
})
afterEach(() => {
  stops.forEach((stop) => stop())
  stops = []
  vi.useRealTimers()
})

describe('following the sync’s state', () => {
  it('asks every 15 s while nothing runs, and every 2 s while a pull runs', async () => {
    let current = status({})
    answer = () => current
    stops.push(useSync.getState().startPolling())
    await vi.advanceTimersByTimeAsync(0)
    expect(statusReads()).toBe(1)
    await vi.advanceTimersByTimeAsync(14_000)
    expect(statusReads()).toBe(1)
    current = status({ state: 'syncing', progress: { done: 10, total: 100 } })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(statusReads()).toBe(2)
    await vi.advanceTimersByTimeAsync(6_000)
    expect(statusReads()).toBe(5)
    expect(useSync.getState().status?.progress).toEqual({ done: 10, total: 100 })
  })

  it('stops asking once the header that asked is gone', async () => {
    answer = () => status({})
    const stop = useSync.getState().startPolling()
    await vi.advanceTimersByTimeAsync(0)
    stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(statusReads()).toBe(1)
  })

  it('answers reads asked together with one more read, not one each', async () => {
    answer = () => status({})
    const reads = [useSync.getState().load(), useSync.getState().load(), useSync.getState().load()]
    await Promise.all(reads)
    expect(statusReads()).toBe(2)
  })

  it('keeps why the status could not be read, and keeps asking', async () => {
    answer = () => {
      throw new ApiError({ error: 'internal', message: 'The console hit an unexpected error; it has been logged.' })
    }
    stops.push(useSync.getState().startPolling())
    await vi.advanceTimersByTimeAsync(0)
    expect(useSync.getState().readError).toMatch(/unexpected error/)
    answer = () => status({ state: 'offline', pending: 2 })
    await vi.advanceTimersByTimeAsync(15_000)
    expect(useSync.getState().readError).toBeUndefined()
    expect(useSync.getState().status?.pending).toBe(2)
  })
})

describe('what the person does', () => {
  it('shows the status each action answers, and follows a pull that "Sync now" starts closely', async () => {
    answer = (procedure) => (procedure === 'sync.now' ? status({ state: 'syncing' }) : status({}))
    stops.push(useSync.getState().startPolling())
    await vi.advanceTimersByTimeAsync(0)
    await useSync.getState().syncNow()
    expect(useSync.getState().status?.state).toBe('syncing')
    await vi.advanceTimersByTimeAsync(2_000)
    expect(calls.map(([procedure]) => procedure)).toEqual(['sync.status', 'sync.now', 'sync.status'])
  })

  it('settles a problem with the person’s choice, by its command id', async () => {
    answer = () => status({})
    await useSync.getState().resolve('cmd_7', 'mine')
    expect(calls).toEqual([['sync.resolve', { command_id: 'cmd_7', choice: 'mine' }]])
  })

  it('passes the engine’s refusal of a connection to the form, fields and all', async () => {
    answer = () => {
      throw new ApiError({ error: 'invalid_input', message: 'The server refused the token', field: 'token' })
    }
    await expect(useSync.getState().connect({ url: 'https://governance.example.org', token: 'wrong' })).rejects.toMatchObject({ field: 'token' })
    expect(useSync.getState().status).toBeUndefined()
  })

  it('connects and disconnects, showing the state the engine answers', async () => {
    answer = (procedure) => (procedure === 'sync.connect' ? status({ state: 'syncing' }) : status({ state: 'disconnected', server_url: undefined }))
    await useSync.getState().connect({ url: 'https://governance.example.org', token: 'gov_1' })
    expect(useSync.getState().status?.state).toBe('syncing')
    await useSync.getState().disconnect()
    expect(useSync.getState().status?.state).toBe('disconnected')
    expect(calls.map(([procedure]) => procedure)).toEqual(['sync.connect', 'sync.disconnect'])
  })
})
