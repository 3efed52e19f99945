/** Pick applications one by one, narrowed by tag, team and environment. */
import { Checkbox, Group, ScrollArea, Select, Table, Text } from '@mantine/core'
import { useMemo } from 'react'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { useApplyScope } from './apply-store'

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))].sort((a, b) => a.localeCompare(b))
}

export function ApplicationPicker() {
  const { applications, visible, selectedIds, filters, setFilter, setSelected, setVisibleSelected } = useApplyScope()
  const choices = useMemo(
    () => ({
      tags: distinct(applications.flatMap((app) => app.tags)),
      teams: distinct(applications.map((app) => app.team)),
      environments: distinct(applications.map((app) => app.environment)),
    }),
    [applications],
  )
  const selectedVisible = visible.filter((app) => selectedIds.includes(app.id)).length
  const allVisible = visible.length > 0 && selectedVisible === visible.length

  return (
    <>
      <Group gap="sm" align="flex-end">
        <Select label="Filter by tag" placeholder="Any tag" data={choices.tags} value={filters.tag} onChange={(v) => setFilter('tag', v)} clearable searchable size="xs" />
        <Select label="Filter by team" placeholder="Any team" data={choices.teams} value={filters.team} onChange={(v) => setFilter('team', v)} clearable searchable size="xs" />
        <Select
          label="Filter by environment"
          placeholder="Any environment"
          data={choices.environments}
          value={filters.environment}
          onChange={(v) => setFilter('environment', v)}
          clearable
          size="xs"
        />
        <Text size="xs" c="dimmed">
          {selectedIds.length} selected
        </Text>
      </Group>
      <ScrollArea.Autosize mah={300} viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Applications to choose from' }}>
        <Table aria-label="Applications to cover" verticalSpacing={4} stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select all visible applications"
                  checked={allVisible}
                  indeterminate={selectedVisible > 0 && !allVisible}
                  onChange={(event) => setVisibleSelected(event.currentTarget.checked)}
                />
              </Table.Th>
              <Table.Th>Application</Table.Th>
              <Table.Th>Team</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Tags</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((app) => (
              <Table.Tr key={app.id} data-testid="pick-application-row">
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${app.name}`}
                    checked={selectedIds.includes(app.id)}
                    onChange={(event) => setSelected(app.id, event.currentTarget.checked)}
                  />
                </Table.Td>
                <Table.Td style={WRAP_ANYWHERE}>{app.name}</Table.Td>
                <Table.Td>{app.team ?? '—'}</Table.Td>
                <Table.Td>{app.environment ?? '—'}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {app.tags.join(', ')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </>
  )
}
