/** The applications the policy covers, since when, and which required rules are missing on each. */
import { Badge, Button, Group, Table, Text } from '@mantine/core'
import { Fragment, useState } from 'react'
import { formatDay } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { useMetricLabel } from '../../rules/rule-library-store'
import { ApplicationRulesPanel } from '../../applications/rules/ApplicationRulesPanel'
import { usePolicyDetail } from './policy-detail-store'

export function CoverageTab() {
  const { coverage, refresh } = usePolicyDetail()
  const metricLabel = useMetricLabel()
  const [expanded, setExpanded] = useState<string[]>([])

  function toggle(applicationId: string) {
    setExpanded(expanded.includes(applicationId) ? expanded.filter((id) => id !== applicationId) : [...expanded, applicationId])
  }

  if (coverage.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This policy covers no applications yet.
      </Text>
    )
  }
  return (
    <Table aria-label="Covered applications" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Application</Table.Th>
          <Table.Th>Team</Table.Th>
          <Table.Th>Environment</Table.Th>
          <Table.Th>Applied</Table.Th>
          <Table.Th>Enforcement starts</Table.Th>
          <Table.Th>Rules</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {coverage.map((app) => {
          const open = expanded.includes(app.application_id)
          return (
            <Fragment key={app.application_id}>
              <Table.Tr data-testid="covered-application-row">
                <Table.Td fw={500} style={WRAP_ANYWHERE}>
                  {app.application_name}
                </Table.Td>
                <Table.Td>{app.team ?? '—'}</Table.Td>
                <Table.Td>{app.environment ?? '—'}</Table.Td>
                <Table.Td>{formatDay(app.applied_at)}</Table.Td>
                <Table.Td>{formatDay(app.enforcement_starts_at)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Text size="sm">{app.rule_count}</Text>
                    {app.missing_requirements.map((requirement) => (
                      <Badge key={requirement} color="red" variant="filled" size="sm" title={metricLabel(requirement)}>
                        Missing rule: {metricLabel(requirement)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    aria-expanded={open}
                    aria-label={`${open ? 'Hide' : 'Show'} rules for ${app.application_name}`}
                    onClick={() => toggle(app.application_id)}
                  >
                    {open ? 'Hide rules' : 'Show rules'}
                  </Button>
                </Table.Td>
              </Table.Tr>
              {open ? (
                <Table.Tr>
                  <Table.Td colSpan={7} bg="var(--mantine-color-default-hover)">
                    <ApplicationRulesPanel applicationId={app.application_id} applicationName={app.application_name} onChanged={refresh} />
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Fragment>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}
