/** The keyboard shortcuts overlay (`?`), listing shortcuts.ts as the handler runs it. */
import { Group, Kbd, Modal, Stack, Table, Text } from '@mantine/core'
import { Fragment } from 'react'
import { keyLabel, SHORTCUTS, type Shortcut } from './shortcuts'
import { useShell } from './shell-store'

const GROUPS: ReadonlyArray<Shortcut['group']> = ['General', 'Go to', 'Lists']

export function ShortcutsHelp() {
  const opened = useShell((state) => state.helpOpen)
  const setOpen = useShell((state) => state.setHelpOpen)
  return (
    <Modal opened={opened} onClose={() => setOpen(false)} title="Keyboard shortcuts" size="md">
      <Stack gap="md">
        {GROUPS.map((group) => (
          <Table key={group} aria-label={`${group} shortcuts`} verticalSpacing={4} withRowBorders={false}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{group}</Table.Th>
                <Table.Th w={120}>Keys</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {SHORTCUTS.filter((shortcut) => shortcut.group === group).map((shortcut) => (
                <Table.Tr key={shortcut.keys.join(' ')} data-testid="shortcut-row">
                  <Table.Td>{shortcut.description}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {shortcut.keys.map((key, index) => (
                        <Fragment key={key}>
                          {index > 0 ? (
                            <Text span size="xs" c="dimmed">
                              then
                            </Text>
                          ) : null}
                          <Kbd>{keyLabel(key)}</Kbd>
                        </Fragment>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
        <Text size="xs" c="dimmed">
          Shortcuts wait while you type in a field, except the command palette.
        </Text>
      </Stack>
    </Modal>
  )
}
