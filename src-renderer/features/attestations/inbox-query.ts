/**
 * The inbox's question, kept in the URL like every list's filters (`#/attestations?tab=overdue&mine=1`),
 * so reload, Back and a shared link show the same requests.
 */
import { INBOX_TABS, type InboxTab } from '../../../src-shared/domain/attestations'
import type { Query } from '../../app/navigation'

export interface InboxQuery {
  tab: InboxTab
  /** Only this policy's requests. */
  policy_id?: string
  /** Only requests addressed to the person using the console. */
  mine: boolean
}

export const INBOX_TAB_LABELS: Readonly<Record<InboxTab, string>> = {
  open: 'Open',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  done: 'Done',
}

export function inboxQueryFrom(query: Query): InboxQuery {
  const tab = INBOX_TABS.find((candidate) => candidate === query.tab) ?? 'open'
  return { tab, ...(query.policy ? { policy_id: query.policy } : {}), mine: query.mine === '1' }
}

/** The URL parameters for a change of the inbox's question; the default tab and "everyone's" are left out. */
export function inboxQueryToUrl(changes: Partial<InboxQuery>): Record<string, string | null> {
  const url: Record<string, string | null> = {}
  if ('tab' in changes) url.tab = changes.tab === 'open' ? null : (changes.tab ?? null)
  if ('policy_id' in changes) url.policy = changes.policy_id ?? null
  if ('mine' in changes) url.mine = changes.mine ? '1' : null
  return url
}

export function sameInboxQuery(a: InboxQuery | undefined, b: InboxQuery): boolean {
  return a !== undefined && a.tab === b.tab && a.policy_id === b.policy_id && a.mine === b.mine
}
