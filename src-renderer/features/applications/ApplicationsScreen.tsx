/** The application inventory: filter, sort, create and edit the applications policies will govern. */
import { Alert, Button, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core'
import { useEffect, useLayoutEffect, useMemo, useState } from 'react'
import type { Application } from '../../../src-shared/domain/application'
import { useNavigation } from '../../app/navigation'
import { useUrlSort } from '../../app/use-url-sort'
import { useWorkspace } from '../../app/workspace-store'
import { DataTable } from '../../components/DataTable'
import { notifyDone } from '../../components/feedback'
import type { SortState } from '../../components/table-sort'
import { Onboarding } from '../onboarding/Onboarding'
import { ApplicationFilters, useFilterChoices } from './ApplicationFilters'
import { ApplicationForm, type ApplicationFormValues } from './ApplicationForm'
import { applicationColumns } from './application-columns'
import { engineFiltersFrom, isFiltered, NOT_COVERED, SORTABLE_COLUMNS, statusFilterFrom } from './applications-query'
import { useApplications } from './applications-store'

type Editing = { mode: 'create' } | { mode: 'edit'; application: Application } | undefined

const BY_NAME: SortState = { column: 'name', direction: 'ascending' }
const applicationKey = (app: Application) => app.id

export function ApplicationsScreen() {
  const { all, rows, rowsFor, filters, statuses, loaded, error, load, setFilters, create, update } = useApplications()
  const reloadWorkspace = useWorkspace((state) => state.load)
  const query = useNavigation((state) => state.query)
  const setQuery = useNavigation((state) => state.setQuery)
  const [editingState, setEditing] = useState<Editing>()

  const engineFilters = useMemo(() => engineFiltersFrom(query), [query])
  const statusFilter = statusFilterFrom(query)
  const [sort, setSort] = useUrlSort(SORTABLE_COLUMNS, BY_NAME)

  // The URL's filters first, so the first load answers them; before paint, so a keystroke's
  // question leaves without waiting a frame.
  useLayoutEffect(() => {
    void setFilters(engineFilters)
  }, [setFilters, engineFilters])
  useEffect(() => {
    void load()
  }, [load])
  // `?create=1` (the palette's "New application") opens the form, as a button press would.
  const editing: Editing = editingState ?? (query.create === '1' ? { mode: 'create' } : undefined)
  const closeForm = () => {
    setEditing(undefined)
    if (query.create) setQuery({ create: null })
  }

  const choices = useFilterChoices(all)
  const columns = useMemo(() => applicationColumns(statuses, (application) => setEditing({ mode: 'edit', application })), [statuses])
  const shown = useMemo(() => {
    if (!statusFilter) return rows
    if (!statuses) return []
    return rows.filter((app) => (statuses.get(app.id) ?? NOT_COVERED) === statusFilter)
  }, [rows, statuses, statusFilter])

  async function save(values: ApplicationFormValues) {
    const fields = { name: values.name, tags: values.tags, team: values.team || null, environment: values.environment || null }
    if (editing?.mode === 'edit') {
      await update({ id: editing.application.id, ...fields })
      notifyDone(`Saved ${fields.name}.`)
    } else {
      await create(fields)
      notifyDone(`Created ${fields.name}.`)
    }
    closeForm()
    await reloadWorkspace()
  }

  const filtered = isFiltered(query)

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

      <ApplicationFilters choices={choices} />

      {loaded && all.length === 0 && !filtered ? <Onboarding /> : null}
      {error ? <Alert color="red" title="Could not load applications">{error}</Alert> : null}

      {/* data-rows-search: the search the rows answer, which tests and the render benchmark wait for. */}
      <Group gap="xs" data-rows-search={rowsFor.search}>
        <Text size="sm" c="dimmed" aria-live="polite">
          {loaded ? `${shown.length} of ${all.length} applications` : 'Loading applications…'}
          {statusFilter && !statuses ? ' (waiting for compliance statuses)' : ''}
        </Text>
        {loaded && rowsFor !== filters ? <Loader size="xs" aria-label="Searching" /> : null}
      </Group>
      <DataTable
        label="Applications"
        rows={shown}
        columns={columns}
        rowKey={applicationKey}
        sort={sort}
        onSortChange={setSort}
        rowTestId="application-row"
        empty={loaded && (filtered ? 'No application matches these filters.' : 'No applications yet.')}
      />

      <Modal
        opened={editing !== undefined}
        onClose={closeForm}
        title={editing?.mode === 'edit' ? `Edit ${editing.application.name}` : 'New application'}
      >
        {editing ? (
          <ApplicationForm
            initial={editing.mode === 'edit' ? editing.application : undefined}
            teams={choices.teams}
            tags={choices.tags}
            submitLabel={editing.mode === 'edit' ? 'Save changes' : 'Create application'}
            onSubmit={save}
            onCancel={closeForm}
          />
        ) : null}
      </Modal>
    </Stack>
  )
}
