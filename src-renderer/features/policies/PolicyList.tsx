/** Every live policy at a glance: status, version, what it requires and how widely it applies. */
import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { useNavigation } from '../../app/navigation'
import { PolicyStatusBadge } from '../../components/PolicyStatusBadge'
import { usePolicies } from './policies-store'
import { useWizard } from './wizard/wizard-store'

export function PolicyList() {
  const { policies, loading, error, load } = usePolicies()
  const startBlank = useWizard((state) => state.startBlank)
  const go = useNavigation((state) => state.go)

  useEffect(() => {
    void load()
  }, [load])

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
          <Button variant="default" onClick={() => go('templates')}>
            Browse templates
          </Button>
          <Button onClick={newPolicy}>+ New Policy</Button>
        </Group>
      </Group>
      {error ? <Alert color="red" title="Could not load policies">{error}</Alert> : null}
      <Table striped highlightOnHover aria-label="Policies" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Alert rules</Table.Th>
            <Table.Th>Attestation rules</Table.Th>
            <Table.Th>Covered applications</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {policies.map((policy) => (
            <Table.Tr key={policy.id} data-testid="policy-row" style={{ cursor: 'pointer' }} onClick={() => go('policies', [policy.id])}>
              <Table.Td>
                {/* The row is clickable for the mouse; the link is the way in for keyboards and screen readers. */}
                <Text
                  component="a"
                  href={`#/policies/${policy.id}`}
                  fw={500}
                  size="sm"
                  c="inherit"
                  onClick={(event: React.MouseEvent) => event.stopPropagation()}
                >
                  {policy.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <PolicyStatusBadge policy={policy} />
              </Table.Td>
              <Table.Td>v{policy.version}</Table.Td>
              <Table.Td>{policy.alert_rules.length}</Table.Td>
              <Table.Td>{policy.attestation_rules.length}</Table.Td>
              <Table.Td>{policy.covered_application_count}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!loading && policies.length === 0 ? (
        <Text c="dimmed" ta="center">
          No policies yet. Start from a template, or create one with “+ New Policy”.
        </Text>
      ) : null}
    </Stack>
  )
}
