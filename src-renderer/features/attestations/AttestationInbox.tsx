/**
 * The Attestation inbox: sign-off requests by tab (open, due soon, overdue, done), for one policy
 * or all, everyone's or only those addressed to you. A row opens its review screen.
 */
import { Alert, Group, Select, Stack, Switch, Tabs, Text, Title } from '@mantine/core'
import { useCallback, useEffect, useLayoutEffect, useMemo } from 'react'
import { INBOX_TABS, type AttestationRequest, type InboxTab } from '../../../src-shared/domain/attestations'
import { useNavigation } from '../../app/navigation'
import { useUrlSort } from '../../app/use-url-sort'
import { DataTable } from '../../components/DataTable'
import type { SortState } from '../../components/table-sort'
import { INBOX_TAB_LABELS, inboxQueryFrom, inboxQueryToUrl, sameInboxQuery } from './inbox-query'
import { useInbox } from './inbox-store'
import { REQUEST_SORTABLE, requestColumns } from './request-columns'

// Soonest deadline first while requests wait; the latest first once they are done.
const SOONEST_FIRST: SortState = { column: 'due', direction: 'ascending' }
const LATEST_FIRST: SortState = { column: 'due', direction: 'descending' }
const requestKey = (request: AttestationRequest) => request.id

const EMPTY: Readonly<Record<InboxTab, string>> = {
  open: 'No open requests.',
  due_soon: 'Nothing falls due in the next few days.',
  overdue: 'Nothing is overdue.',
  done: 'No request has been signed off yet.',
}

export function AttestationInbox() {
  const { answered, answeredAt, requests, counts, policies, error, show, loadPolicies } = useInbox()
  const query = useNavigation((state) => state.query)
  const setQuery = useNavigation((state) => state.setQuery)
  const go = useNavigation((state) => state.go)
  const inboxQuery = useMemo(() => inboxQueryFrom(query), [query])
  const [sort, setSort] = useUrlSort(REQUEST_SORTABLE, inboxQuery.tab === 'done' ? LATEST_FIRST : SOONEST_FIRST)

  useLayoutEffect(() => {
    void show(inboxQuery)
  }, [show, inboxQuery])
  useEffect(() => {
    void loadPolicies()
  }, [loadPolicies])

  // Deadlines are read against the time the rows arrived, so "due in 3 days" agrees with the tab counts.
  const columns = useMemo(() => requestColumns(answeredAt), [answeredAt])
  const openRequest = useCallback((request: AttestationRequest) => go('attestations', [request.id]), [go])
  const current = sameInboxQuery(answered, inboxQuery)

  return (
    <Stack>
      <div>
        <Title order={2}>Attestation inbox</Title>
        <Text c="dimmed" size="sm">
          Policies waiting for a reviewer’s sign-off. Open a request to review the evidence and attest.
        </Text>
      </div>
      <Group align="flex-end" gap="md">
        <Select
          label="Policy"
          placeholder="Any policy"
          data={policies}
          value={inboxQuery.policy_id ?? null}
          onChange={(value) => setQuery(inboxQueryToUrl({ policy_id: value ?? undefined }))}
          searchable
          clearable
          w={280}
        />
        <Switch label="Addressed to me" checked={inboxQuery.mine} onChange={(event) => setQuery(inboxQueryToUrl({ mine: event.currentTarget.checked }))} mb={6} />
      </Group>
      {error ? (
        <Alert color="red" title="Could not load the inbox">
          {error}
        </Alert>
      ) : null}
      <Tabs value={inboxQuery.tab} onChange={(value) => setQuery(inboxQueryToUrl({ tab: (value as InboxTab | null) ?? 'open' }))} keepMounted={false}>
        <Tabs.List>
          {INBOX_TABS.map((tab) => (
            <Tabs.Tab key={tab} value={tab} data-testid={`inbox-tab-${tab}`}>
              {INBOX_TAB_LABELS[tab]}
              {counts ? ` (${counts[tab]})` : ''}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {INBOX_TABS.map((tab) => (
          <Tabs.Panel key={tab} value={tab} pt="md">
            <DataTable
              label={`${INBOX_TAB_LABELS[tab]} attestation requests`}
              rows={current ? requests : []}
              columns={columns}
              rowKey={requestKey}
              sort={sort}
              onSortChange={setSort}
              onRowClick={openRequest}
              rowTestId="attestation-request-row"
              minWidth={820}
              empty={current ? EMPTY[tab] : 'Loading requests…'}
            />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  )
}
