/** The Applications table's columns: what each shows, how it sorts, and how much room it takes. */
import { Badge, Button, Group, Loader, Text } from '@mantine/core'
import type { Application } from '../../../src-shared/domain/application'
import type { ComplianceStatus } from '../../../src-shared/domain/compliance'
import { hrefOf } from '../../app/navigation'
import type { DataColumn } from '../../components/DataTable'
import { STATUS_ORDER, StatusBadge } from '../../components/StatusBadge'
import { TruncatedText } from '../../components/TruncatedText'

const orDash = (value: string | null) => value ?? '—'

export function applicationColumns(statuses: ReadonlyMap<string, ComplianceStatus | null> | undefined, onEdit: (application: Application) => void): Array<DataColumn<Application>> {
  return [
    {
      key: 'name',
      header: 'Name',
      width: '22%',
      sortKey: (app) => app.name,
      cell: (app) => (
        <TruncatedText href={hrefOf('applications', [app.id])} fw={500}>
          {app.name}
        </TruncatedText>
      ),
    },
    {
      key: 'id',
      header: 'Id',
      width: '12%',
      sortKey: (app) => app.id,
      cell: (app) => (
        <TruncatedText size="xs" monospace dimmed>
          {app.id}
        </TruncatedText>
      ),
    },
    { key: 'team', header: 'Team', width: '12%', sortKey: (app) => app.team, cell: (app) => <TruncatedText>{orDash(app.team)}</TruncatedText> },
    {
      key: 'environment',
      header: 'Environment',
      width: '12%',
      sortKey: (app) => app.environment,
      cell: (app) => <TruncatedText>{orDash(app.environment)}</TruncatedText>,
    },
    {
      key: 'status',
      header: 'Status',
      // Wide enough for the longest label, "Attestation Overdue", which is never cut.
      width: 170,
      sortKey: (app) => {
        const status = statuses?.get(app.id)
        return status ? STATUS_ORDER.indexOf(status) : null
      },
      cell: (app) => (statuses ? <StatusBadge status={statuses.get(app.id) ?? null} /> : <Loader size="xs" aria-label="Status loading" />),
    },
    {
      key: 'tags',
      header: 'Tags',
      cell: (app) =>
        app.tags.length ? (
          <Group gap={4}>
            {app.tags.map((tag) => (
              <Badge key={tag} variant="light" size="sm" title={tag}>
                {tag}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      width: 64,
      cell: (app) => (
        <Button size="xs" variant="subtle" aria-label={`Edit ${app.name}`} onClick={() => onEdit(app)}>
          Edit
        </Button>
      ),
    },
  ]
}
