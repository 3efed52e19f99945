/** The workspace and the console itself: which file is open, who you are, the server it syncs with, its audit trail checked, light or dark, and the people directory. */
import { Card, SegmentedControl, Stack, Table, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core'
import { client } from '../../api/client'
import { RemindersControl } from '../../app/RemindersControl'
import { useWorkspace } from '../../app/workspace-store'
import { PeopleSection } from '../people/PeopleSection'
import { ServerConnection } from '../sync/ServerConnection'
import { AuditTrailCheck } from './AuditTrailCheck'

export function SettingsScreen() {
  const { info, actor } = useWorkspace()
  const { colorScheme, setColorScheme } = useMantineColorScheme()

  return (
    <Stack maw={960}>
      <Title order={2}>Settings</Title>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Workspace
        </Text>
        <Table>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Td ff="monospace">{info?.path}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Schema</Table.Th>
              <Table.Td>{info?.schema_version}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Signed in as</Table.Th>
              <Table.Td>
                {actor?.name} ({actor?.role})
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Connected over</Table.Th>
              <Table.Td>{client.transport.kind === 'ipc' ? 'Desktop (local engine)' : 'Browser (govern serve)'}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Server connection
        </Text>
        <ServerConnection />
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Audit trail
        </Text>
        <AuditTrailCheck />
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Appearance
        </Text>
        <SegmentedControl
          value={colorScheme}
          onChange={(value) => setColorScheme(value as MantineColorScheme)}
          data={[
            { label: 'Light', value: 'light' },
            { label: 'Dark', value: 'dark' },
            { label: 'Follow system', value: 'auto' },
          ]}
        />
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Attestation reminders
        </Text>
        <RemindersControl />
      </Card>
      <PeopleSection />
    </Stack>
  )
}
