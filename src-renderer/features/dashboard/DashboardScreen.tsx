/**
 * The Governance Dashboard: every application's compliance under every policy, now or as of any
 * moment — status counts, per-policy bars, the trend, the worst gaps, and the applications behind
 * them, filterable by tag, team, environment and status.
 */
import { Button, Card, Group, Loader, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useMemo } from 'react'
import { COMPLIANCE_STATUSES, STATUS_LABELS, type ComplianceOverview, type ComplianceStatus } from '../../../src-shared/domain/compliance'
import { hrefOf } from '../../app/navigation'
import { useWorkspace } from '../../app/workspace-store'
import { DataTable, type DataColumn } from '../../components/DataTable'
import { TruncatedText } from '../../components/TruncatedText'
import { EChart } from '../../components/EChart'
import { StatusBadge, STATUS_COLOURS } from '../../components/StatusBadge'
import { formatDate } from '../../components/format'
import { policyBarsOption, trendOption } from '../compliance/charts'
import { useCompliance } from '../compliance/compliance-store'
import { WorstGaps } from '../compliance/WorstGaps'
import { Onboarding } from '../onboarding/Onboarding'

/** `<input type="datetime-local">` speaks local time without a zone; the engine speaks UTC. */
function toLocalInput(iso: string | null): string {
  if (!iso) return ''
  const date = new Date(iso)
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

const COUNT = new Intl.NumberFormat()

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))].sort((a, b) => a.localeCompare(b))
}

type ApplicationRow = ComplianceOverview['applications'][number]

const applicationKey = (app: ApplicationRow) => app.application_id

const complianceColumns: Array<DataColumn<ApplicationRow>> = [
  {
    key: 'application',
    header: 'Application',
    cell: (app) => <TruncatedText href={hrefOf('applications', [app.application_id])}>{app.application_name}</TruncatedText>,
  },
  { key: 'team', header: 'Team', cell: (app) => app.team ?? '—' },
  { key: 'environment', header: 'Environment', cell: (app) => app.environment ?? '—' },
  { key: 'status', header: 'Status', width: 170, cell: (app) => <StatusBadge status={app.status} /> },
  {
    key: 'policies',
    header: 'Policies',
    width: 90,
    cell: (app) => (
      <Text size="sm" c="dimmed">
        {app.policy_statuses.length}
      </Text>
    ),
  },
]

export function DashboardScreen() {
  const info = useWorkspace((state) => state.info)
  const { overview, trend, openGaps, filters, asOf, trendDays, loading, evaluating, error, load, setFilter, clearFilters, setAsOf, setTrendDays, evaluateNow } = useCompliance()

  useEffect(() => {
    if (info && !info.is_empty && !info.loading_sample) void load()
  }, [info, load])

  const choices = useMemo(() => {
    const apps = overview?.applications ?? []
    return { tags: distinct(apps.flatMap((a) => a.tags)), teams: distinct(apps.map((a) => a.team)), environments: distinct(apps.map((a) => a.environment)) }
  }, [overview])
  const barOption = useMemo(() => (overview ? policyBarsOption(overview) : undefined), [overview])
  const lineOption = useMemo(() => trendOption(trend), [trend])

  if (info?.is_empty || info?.loading_sample) return <Onboarding />
  const filtered = Object.values(filters).some((value) => value !== '')

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Governance dashboard</Title>
          <Text c="dimmed" size="sm" data-testid="last-evaluated">
            {asOf ? `As of ${formatDate(asOf)}` : `Last evaluated ${formatDate(overview?.evaluated_at)}`}
          </Text>
        </div>
        <Group align="flex-end">
          <TextInput
            label="As of"
            type="datetime-local"
            value={toLocalInput(asOf)}
            onChange={(event) => setAsOf(event.currentTarget.value ? new Date(event.currentTarget.value).toISOString() : null)}
          />
          {asOf ? (
            <Button variant="default" onClick={() => setAsOf(null)}>
              Back to now
            </Button>
          ) : null}
          <Button onClick={() => void evaluateNow()} loading={evaluating} disabled={asOf !== null}>
            Evaluate now
          </Button>
        </Group>
      </Group>

      {error ? <Text c="red">{error}</Text> : null}
      {!overview ? (
        <Loader />
      ) : (
        <>
          <Text size="sm" c="dimmed" mb={-8}>
            Applications by their worst status across the policies covering them
          </Text>
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            {COMPLIANCE_STATUSES.map((status) => (
              <Card key={status} withBorder padding="sm" data-testid={`status-count-${status}`}>
                <Text size="xs" c="dimmed">
                  {STATUS_LABELS[status]}
                </Text>
                <Text size="xl" fw={700} c={STATUS_COLOURS[status]}>
                  {COUNT.format(overview.application_counts[status])}
                </Text>
                <Text size="xs" c="dimmed">
                  {overview.application_counts[status] === 1 ? 'application' : 'applications'}
                </Text>
              </Card>
            ))}
          </SimpleGrid>

          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Card withBorder>
              <Text fw={600}>Compliance by policy</Text>
              <Text size="xs" c="dimmed" mb="xs">
                Covered applications in each status, per policy
              </Text>
              {overview.policies.length === 0 ? (
                <Text c="dimmed" size="sm">
                  No published policy covers an application yet.
                </Text>
              ) : (
                barOption && <EChart option={barOption} height={84 + overview.policies.length * 44} label="Compliance by policy: covered applications in each status" />
              )}
            </Card>
            <Card withBorder>
              <Group justify="space-between" mb="xs" align="flex-start">
                <div>
                  <Text fw={600}>Compliance over time</Text>
                  <Text size="xs" c="dimmed">
                    Application × policy pairs in each status, at the end of each day
                  </Text>
                </div>
                <SegmentedControl
                  size="xs"
                  aria-label="Trend period"
                  value={String(trendDays)}
                  onChange={(value) => setTrendDays(Number(value))}
                  data={[
                    { value: '30', label: '30 days' },
                    { value: '90', label: '90 days' },
                  ]}
                />
              </Group>
              {trend.length === 0 ? <Text c="dimmed" size="sm">No evaluations recorded yet.</Text> : <EChart option={lineOption} height={260} label="Compliance over time: application × policy pairs in each status, per day" />}
            </Card>
          </SimpleGrid>

          <Card withBorder>
            <Text fw={600} mb="xs">
              Worst gaps
            </Text>
            <WorstGaps gaps={openGaps} />
          </Card>

          <Card withBorder>
            <Group align="flex-end" gap="sm" mb="sm">
              <Select label="Tag" placeholder="Any" clearable data={choices.tags} value={filters.tag || null} onChange={(value) => setFilter('tag', value ?? '')} />
              <Select label="Team" placeholder="Any" clearable data={choices.teams} value={filters.team || null} onChange={(value) => setFilter('team', value ?? '')} />
              <Select label="Environment" placeholder="Any" clearable data={choices.environments} value={filters.environment || null} onChange={(value) => setFilter('environment', value ?? '')} />
              <Select
                label="Status"
                placeholder="Any"
                clearable
                data={COMPLIANCE_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }))}
                value={filters.status || null}
                onChange={(value) => setFilter('status', (value ?? '') as ComplianceStatus | '')}
              />
              {filtered ? (
                <Button variant="subtle" onClick={clearFilters}>
                  Clear filters
                </Button>
              ) : null}
              {loading ? <Loader size="sm" /> : null}
            </Group>
            {/* DataTable draws only the rows in view: thousands of applications rendered at once took seconds. */}
            <DataTable label="Application compliance" rows={overview.applications} columns={complianceColumns} rowKey={applicationKey} rowTestId="compliance-row" />
          </Card>
        </>
      )}
    </Stack>
  )
}
