/** One built-in template: what it is for, what it requires, and the two ways to use it. */
import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import type { PolicyTemplate } from '../../../src-shared/domain/policy'
import { SeverityBadge } from '../../components/SeverityBadge'
import { formatCondition } from '../../components/format'
import { useMetricLabel } from '../rules/rule-library-store'

interface Props {
  template: PolicyTemplate
  applying: boolean
  onApply(): void
  onClone(): void
}

export function TemplateCard({ template, applying, onApply, onClone }: Props) {
  const metricLabel = useMetricLabel()
  return (
    <Card withBorder padding="lg" data-testid="template-card" aria-label={template.name} component="article">
      <Stack gap="sm" h="100%">
        <Title order={3}>{template.name}</Title>
        <Text size="sm">{template.purpose}</Text>
        <Table aria-label={`${template.name} requirements`} verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Requirement</Table.Th>
              <Table.Th>Default threshold</Table.Th>
              <Table.Th>Severity</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {template.alert_rules.map((rule) => (
              <Table.Tr key={rule.requirement}>
                <Table.Td>{metricLabel(rule.metric)}</Table.Td>
                <Table.Td>{formatCondition(rule.metric, rule.operator, rule.threshold)}</Table.Td>
                <Table.Td>
                  <SeverityBadge severity={rule.severity} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>
          <Text span fw={600} c="dimmed" size="sm">
            Best for:{' '}
          </Text>
          {template.best_for}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClone}>
            Clone &amp; customise
          </Button>
          <Button onClick={onApply} loading={applying}>
            Apply as is
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}
