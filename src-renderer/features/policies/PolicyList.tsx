/** Every policy at a glance: state, version, how compliant its applications are, and how widely it applies; archived ones a tab away. */
import { Alert, Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core'
import { useEffect, useMemo } from 'react'
import type { Policy } from '../../../src-shared/domain/policy'
import { hrefOf, useNavigation } from '../../app/navigation'
import { DataTable } from '../../components/DataTable'
import type { SortState } from '../../components/table-sort'
import { useUrlSort } from '../../app/use-url-sort'
import { usePolicies } from './policies-store'
import { policyColumns } from './policy-columns'
import { useWizard } from './wizard/wizard-store'

const SORTABLE = ['name', 'status', 'version', 'compliance', 'alert_rules', 'attestation_rules', 'covered']
const BY_NAME: SortState = { column: 'name', direction: 'ascending' }
const policyKey = (policy: Policy) => policy.id

export function PolicyList() {
  const { policies, compliance, loading, error, load } = usePolicies()
  const startBlank = useWizard((state) => state.startBlank)
  const go = useNavigation((state) => state.go)
  const query = useNavigation((state) => state.query)
  const setQuery = useNavigation((state) => state.setQuery)
  const archived = query.show === 'archived'
  const [sort, setSort] = useUrlSort(SORTABLE, BY_NAME)

  useEffect(() => {
    void load()
  }, [load])

  const shown = useMemo(() => policies.filter((policy) => policy.archived === archived), [policies, archived])
  const archivedCount = useMemo(() => policies.filter((policy) => policy.archived).length, [policies])
  const columns = useMemo(() => policyColumns(compliance), [compliance])

  function newPolicy() {
    startBlank()
    go('policies', ['new'])
  }

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Policies</Title>
          <Text c="dimmed" size="sm">
            Organisation-wide monitoring requirements, materialised as alert rules on every application they cover.
          </Text>
        </div>
        <Group>
          <Button component="a" href={hrefOf('templates')} variant="default">
            Browse templates
          </Button>
          <Button onClick={newPolicy}>+ New Policy</Button>
        </Group>
      </Group>
      <SegmentedControl
        aria-label="Which policies"
        w="fit-content"
        value={archived ? 'archived' : 'live'}
        onChange={(value) => setQuery({ show: value === 'archived' ? 'archived' : null })}
        data={[
          { value: 'live', label: `Live (${policies.length - archivedCount})` },
          { value: 'archived', label: `Archived (${archivedCount})` },
        ]}
      />
      {error ? <Alert color="red" title="Could not load policies">{error}</Alert> : null}
      <DataTable
        label={archived ? 'Archived policies' : 'Policies'}
        rows={shown}
        columns={columns}
        rowKey={policyKey}
        sort={sort}
        onSortChange={setSort}
        rowTestId="policy-row"
        minWidth={760}
        empty={
          !loading &&
          (archived ? 'No archived policies.' : 'No policies yet. Start from a template, or create one with “+ New Policy”.')
        }
      />
    </Stack>
  )
}
