/** The scope as the policy states it: everything, some tags, or named applications. */
import { Badge, Group, Stack, Text, Title } from '@mantine/core'
import type { Policy } from '../../../../src-shared/domain/policy'

export function ScopeSummary({ scope }: { scope: Policy['scope'] }) {
  const nothing = !scope.apply_to_all && scope.tags.length === 0 && scope.application_ids.length === 0
  return (
    <Stack gap="xs" aria-label="Scope">
      <Title order={4}>Scope</Title>
      {scope.apply_to_all ? <Text size="sm">Applies to all applications</Text> : null}
      {scope.tags.length ? (
        <Group gap={4}>
          <Text size="sm">Applications tagged</Text>
          {scope.tags.map((tag) => (
            <Badge key={tag} variant="light" size="sm">
              {tag}
            </Badge>
          ))}
        </Group>
      ) : null}
      {scope.application_ids.length ? (
        <Group gap={4}>
          <Text size="sm">Applications</Text>
          {scope.application_ids.map((id) => (
            <Badge key={id} variant="outline" size="sm" ff="monospace">
              {id}
            </Badge>
          ))}
        </Group>
      ) : null}
      {nothing ? (
        <Text size="sm" c="dimmed">
          Not applied to any application yet. Use “Apply to applications”.
        </Text>
      ) : null}
    </Stack>
  )
}
