/** The application inventory: filter, create and edit the applications policies will govern. */
import { Alert, Anchor, Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useMemo, useState } from 'react'
import type { Application } from '../../../src-shared/domain/application'
import { useNavigation } from '../../app/navigation'
import { useWorkspace } from '../../app/workspace-store'
import { Onboarding } from '../onboarding/Onboarding'
import { ApplicationForm, type ApplicationFormValues } from './ApplicationForm'
import { useApplications } from './applications-store'

type Editing = { mode: 'create' } | { mode: 'edit'; application: Application } | undefined

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))].sort((a, b) => a.localeCompare(b))
}

export function ApplicationsScreen() {
  const { all, visible, filters, loading, error, load, setFilter, clearFilters, create, update } = useApplications()
  const reloadWorkspace = useWorkspace((state) => state.load)
  const go = useNavigation((state) => state.go)
  const [editing, setEditing] = useState<Editing>()

  useEffect(() => {
    void load()
  }, [load])

  const choices = useMemo(
    () => ({
      tags: distinct(all.flatMap((app) => app.tags)),
      teams: distinct(all.map((app) => app.team)),
      environments: distinct(all.map((app) => app.environment)),
    }),
    [all],
  )

  async function save(values: ApplicationFormValues) {
    const fields = { name: values.name, tags: values.tags, team: values.team || null, environment: values.environment || null }
    if (editing?.mode === 'edit') await update({ id: editing.application.id, ...fields })
    else await create(fields)
    setEditing(undefined)
    await reloadWorkspace()
  }

  const filtered = Object.values(filters).some((value) => value !== '')

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Applications</Title>
          <Text c="dimmed" size="sm">
            The AI applications your policies govern. Tags, team and environment decide which policies cover each one.
          </Text>
        </div>
        <Button onClick={() => setEditing({ mode: 'create' })}>New application</Button>
      </Group>

      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="Name, id or team"
          value={filters.search}
          onChange={(event) => void setFilter('search', event.currentTarget.value)}
        />
        <Select label="Tag" placeholder="Any tag" data={choices.tags} value={filters.tag || null} onChange={(v) => void setFilter('tag', v ?? '')} clearable searchable />
        <Select label="Team" placeholder="Any team" data={choices.teams} value={filters.team || null} onChange={(v) => void setFilter('team', v ?? '')} clearable searchable />
        <Select
          label="Environment"
          placeholder="Any environment"
          data={choices.environments}
          value={filters.environment || null}
          onChange={(v) => void setFilter('environment', v ?? '')}
          clearable
        />
        {filtered ? (
          <Button variant="subtle" onClick={() => void clearFilters()}>
            Clear filters
          </Button>
        ) : null}
      </Group>

      {!loading && all.length === 0 && !filtered ? <Onboarding /> : null}

      {error ? <Alert color="red" title="Could not load applications">{error}</Alert> : null}

      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Applications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Id</Table.Th>
            <Table.Th>Team</Table.Th>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Tags</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {visible.map((app) => (
            <Table.Tr key={app.id} data-testid="application-row">
              <Table.Td fw={500}>
                <Anchor component="button" fw={500} onClick={() => go('applications', [app.id])}>
                  {app.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace" c="dimmed">
                  {app.id}
                </Text>
              </Table.Td>
              <Table.Td>{app.team ?? '—'}</Table.Td>
              <Table.Td>{app.environment ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {app.tags.map((tag) => (
                    <Badge key={tag} variant="light" size="sm">
                      {tag}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" aria-label={`Edit ${app.name}`} onClick={() => setEditing({ mode: 'edit', application: app })}>
                  Edit
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!loading && visible.length === 0 ? (
        <Text c="dimmed" ta="center">
          {filtered ? 'No application matches these filters.' : 'No applications yet.'}
        </Text>
      ) : null}

      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing?.mode === 'edit' ? `Edit ${editing.application.name}` : 'New application'}
      >
        {editing ? (
          <ApplicationForm
            initial={editing.mode === 'edit' ? editing.application : undefined}
            teams={choices.teams}
            tags={choices.tags}
            submitLabel={editing.mode === 'edit' ? 'Save changes' : 'Create application'}
            onSubmit={save}
            onCancel={() => setEditing(undefined)}
          />
        ) : null}
      </Modal>
    </Stack>
  )
}
