/** What the shell needs to know about the open workspace and who is signed in. */
import { create } from 'zustand'
import type { Output } from '../../src-shared/api/contract'
import { ApiError } from '../../src-shared/api/errors'
import { client } from '../api/client'

type WorkspaceInfo = Output<'workspace.info'>
type Actor = Output<'session.whoami'>

interface WorkspaceState {
  info?: WorkspaceInfo
  actor?: Actor
  /** Set when the browser console is not signed in. */
  signedOut: boolean
  error?: string
  load(): Promise<void>
  /** The workspace's info alone: what changes while a long task (loading the sample) runs. */
  loadInfo(): Promise<void>
  loadSample(): Promise<number>
}

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  signedOut: false,
  async load() {
    try {
      const [info, actor] = await Promise.all([client.call('workspace.info', {}), client.call('session.whoami', {})])
      set({ info, actor, signedOut: false, error: undefined })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthorized') set({ signedOut: true })
      else set({ error: (error as Error).message })
    }
  },
  async loadInfo() {
    try {
      set({ info: await client.call('workspace.info', {}) })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthorized') set({ signedOut: true })
      else set({ error: (error as Error).message })
    }
  },
  async loadSample() {
    const { applications_created } = await client.call('workspace.loadSample', {})
    await get().load()
    return applications_created
  },
}))
