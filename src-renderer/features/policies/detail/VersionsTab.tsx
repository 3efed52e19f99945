/** Every version of the policy, newest first; picking one shows what it changed from the one before. */
import { Badge, Grid, NavLink, Stack, Table, Text } from '@mantine/core'
import { formatDate, formatValue } from '../../../components/format'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { usePolicyDetail } from './policy-detail-store'

function VersionChanges() {
  const { selectedVersion, diff } = usePolicyDetail()
  if (selectedVersion === undefined) {
    return (
      <Text size="sm" c="dimmed">
        Select a version to see what it changed.
      </Text>
    )
  }
  if (selectedVersion <= 1) {
    return (
      <Text size="sm" c="dimmed">
        Version 1 is where the policy started; there is nothing before it to compare.
      </Text>
    )
  }
  if (!diff) return <Text size="sm">Loading changes…</Text>
  return (
    <Table aria-label={`Changes in version ${selectedVersion}`} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Path</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {diff.changes.map((change) => (
          <Table.Tr key={change.path} data-testid="diff-row">
            <Table.Td ff="monospace" style={WRAP_ANYWHERE}>
              {change.path}
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace" c="red" style={WRAP_ANYWHERE}>
                {formatValue(change.before, 200)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace" c="green" style={WRAP_ANYWHERE}>
                {formatValue(change.after, 200)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function VersionsTab() {
  const { versions, selectedVersion, selectVersion } = usePolicyDetail()
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap={2} aria-label="Versions" role="group">
          {versions.map((version) => (
            <NavLink
              key={version.version}
              component="button"
              data-testid="version-row"
              active={version.version === selectedVersion}
              onClick={() => void selectVersion(version.version)}
              label={
                <>
                  <Badge variant="outline" size="sm" mr="xs">
                    v{version.version}
                  </Badge>
                  {version.summary}
                </>
              }
              description={`${version.actor.name} · ${formatDate(version.created_at)}`}
            />
          ))}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <VersionChanges />
      </Grid.Col>
    </Grid>
  )
}
