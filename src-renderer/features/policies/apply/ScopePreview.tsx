/** What the chosen scope would cover, as the engine previews it: added, kept and removed applications. */
import { Badge, Group, Loader, ScrollArea, Table, Text } from '@mantine/core'
import type { ScopePreviewEntry } from '../../../../src-shared/domain/policy'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { useApplyScope } from './apply-store'

const CHANGE: Record<ScopePreviewEntry['change'], { label: string; color: string }> = {
  added: { label: 'Added', color: 'green' },
  kept: { label: 'Kept', color: 'gray' },
  removed: { label: 'Removed', color: 'red' },
}

export function ScopePreview() {
  const { preview, previewing } = useApplyScope()
  return (
    <section aria-label="Scope preview">
      <Group gap="xs" mb="xs">
        <Text fw={600}>Preview</Text>
        {preview ? (
          <>
            <Badge color="green" variant="light" data-testid="preview-added-count">
              {preview.added} added
            </Badge>
            <Badge color="gray" variant="light" data-testid="preview-kept-count">
              {preview.kept} kept
            </Badge>
            <Badge color="red" variant="light" data-testid="preview-removed-count">
              {preview.removed} removed
            </Badge>
          </>
        ) : null}
        {previewing ? <Loader size="xs" aria-label="Updating preview" /> : null}
      </Group>
      {preview && preview.applications.length === 0 ? (
        <Text size="sm" c="dimmed">
          This scope covers no applications.
        </Text>
      ) : null}
      {/* Focusable, so the list can be scrolled from the keyboard even when it holds nothing to focus. */}
      <ScrollArea.Autosize mah={260} viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Applications in the scope preview' }}>
        <Table aria-label="Scope preview" verticalSpacing={4}>
          <Table.Tbody>
            {preview?.applications.map((entry) => (
              <Table.Tr key={entry.application_id} data-testid="preview-row" data-change={entry.change}>
                <Table.Td style={WRAP_ANYWHERE}>{entry.application_name}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {[entry.team, entry.environment].filter(Boolean).join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td w={100}>
                  <Badge color={CHANGE[entry.change].color} variant="light" size="sm">
                    {CHANGE[entry.change].label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </section>
  )
}
