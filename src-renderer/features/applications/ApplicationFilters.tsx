/** The Applications list's filters, read from and written to the URL so reload and Back keep them. */
import { Button, Group, Select, TextInput } from '@mantine/core'
import { useMemo } from 'react'
import type { Application } from '../../../src-shared/domain/application'
import { COMPLIANCE_STATUSES, STATUS_LABELS } from '../../../src-shared/domain/compliance'
import { useNavigation } from '../../app/navigation'
import { CLEARED_FILTERS, isFiltered, NOT_COVERED } from './applications-query'

const STATUS_CHOICES = [...COMPLIANCE_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] })), { value: NOT_COVERED, label: 'Not covered' }]

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))].sort((a, b) => a.localeCompare(b))
}

/** Every tag, team and environment in the workspace, to choose from. */
export function useFilterChoices(all: readonly Application[]) {
  return useMemo(
    () => ({
      tags: distinct(all.flatMap((app) => app.tags)),
      teams: distinct(all.map((app) => app.team)),
      environments: distinct(all.map((app) => app.environment)),
    }),
    [all],
  )
}

export function ApplicationFilters({ choices }: { choices: ReturnType<typeof useFilterChoices> }) {
  const query = useNavigation((state) => state.query)
  const setQuery = useNavigation((state) => state.setQuery)
  const select = (name: 'tag' | 'team' | 'environment' | 'status') => ({
    value: query[name] ?? null,
    onChange: (value: string | null) => setQuery({ [name]: value }),
    clearable: true,
    w: 170,
  })

  return (
    <Group align="flex-end" gap="sm">
      <TextInput
        label="Search"
        placeholder="Name, id or team"
        w={220}
        value={query.search ?? ''}
        onChange={(event) => setQuery({ search: event.currentTarget.value })}
        // The `/` shortcut focuses the list's search box.
        data-list-search
      />
      <Select label="Tag" placeholder="Any tag" data={choices.tags} searchable {...select('tag')} />
      <Select label="Team" placeholder="Any team" data={choices.teams} searchable {...select('team')} />
      <Select label="Environment" placeholder="Any environment" data={choices.environments} {...select('environment')} />
      <Select label="Status" placeholder="Any status" data={STATUS_CHOICES} {...select('status')} />
      {isFiltered(query) ? (
        <Button variant="subtle" onClick={() => setQuery(CLEARED_FILTERS)}>
          Clear filters
        </Button>
      ) : null}
    </Group>
  )
}
