/**
 * What the command palette searches: applications, policies (archived too) and people, fetched
 * when it opens, and matched as you type. Matching here only ranks what to jump to, the way a
 * file finder does; the lists' own filters are the engine's.
 */
import { create } from 'zustand'
import type { Application } from '../../src-shared/domain/application'
import type { User } from '../../src-shared/domain/people'
import type { Policy } from '../../src-shared/domain/policy'
import { client } from '../api/client'

interface PaletteData {
  applications: Array<Pick<Application, 'id' | 'name' | 'team'>>
  policies: Array<Pick<Policy, 'id' | 'name' | 'archived'>>
  people: Array<Pick<User, 'id' | 'name' | 'email'>>
  loading: boolean
  error?: string
  load(): Promise<void>
}

export const usePaletteData = create<PaletteData>((set) => ({
  applications: [],
  policies: [],
  people: [],
  loading: false,
  async load() {
    set({ loading: true })
    try {
      const [applications, policies, users] = await Promise.all([
        client.call('applications.list', {}),
        client.call('policies.list', { include_archived: true }),
        client.call('users.list', {}),
      ])
      set({ applications: applications.applications, policies: policies.policies, people: users.users, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ loading: false })
    }
  },
}))

/**
 * The items whose fields contain every word of the query, case and accents aside, best first: the
 * first field equal to the query, then starting with it, then starting with its first word, then
 * the rest, each in the items' own order; at most `limit`.
 */
export function bestMatches<T extends object>(items: readonly T[], query: string, fields: (item: T) => Array<string | null>, limit: number): T[] {
  const whole = fold(query).trim().replace(/\s+/g, ' ')
  const words = whole.split(' ').filter(Boolean)
  if (!words.length) return []
  const ranked: T[][] = [[], [], [], []]
  for (const item of items) {
    let texts = folded.get(item)
    if (!texts) folded.set(item, (texts = fields(item).map((text) => fold(text ?? ''))))
    if (!words.every((word) => texts.some((text) => text.includes(word)))) continue
    const first = texts[0] ?? ''
    ranked[first === whole ? 0 : first.startsWith(whole) ? 1 : first.startsWith(words[0]!) ? 2 : 3]!.push(item)
  }
  return ranked.flat().slice(0, limit)
}

// Folded once per item and kept while the item lives: thousands are matched on every keystroke.
const folded = new WeakMap<object, string[]>()

const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()
