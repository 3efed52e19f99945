import { describe, expect, it } from 'vitest'
import { inboxQueryFrom, inboxQueryToUrl, sameInboxQuery } from './inbox-query'

describe('the inbox’s question in the URL', () => {
  it('opens on everyone’s open requests', () => {
    expect(inboxQueryFrom({})).toEqual({ tab: 'open', mine: false })
  })

  it('reads the tab, the policy and "addressed to me", and ignores a tab it does not know', () => {
    expect(inboxQueryFrom({ tab: 'due_soon', policy: 'pol_1', mine: '1' })).toEqual({ tab: 'due_soon', policy_id: 'pol_1', mine: true })
    expect(inboxQueryFrom({ tab: 'later' }).tab).toBe('open')
  })

  it('writes only what differs from the default, and clears what is unset', () => {
    expect(inboxQueryToUrl({ tab: 'open' })).toEqual({ tab: null })
    expect(inboxQueryToUrl({ tab: 'done', mine: true })).toEqual({ tab: 'done', mine: '1' })
    expect(inboxQueryToUrl({ policy_id: undefined, mine: false })).toEqual({ policy: null, mine: null })
  })

  it('round-trips', () => {
    const query = { tab: 'overdue', policy_id: 'pol_9', mine: true } as const
    const url = Object.fromEntries(Object.entries(inboxQueryToUrl(query)).filter((entry): entry is [string, string] => entry[1] !== null))
    expect(sameInboxQuery(inboxQueryFrom(url), query)).toBe(true)
  })
})
