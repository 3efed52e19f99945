/** The landing view: onboarding for an empty workspace, otherwise the portfolio at a glance. */
import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { useWorkspace } from '../../app/workspace-store'
import { useApplications } from '../applications/applications-store'
import { Onboarding } from '../onboarding/Onboarding'

function countBy(values: Array<string | null>): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value ?? 'unassigned', (counts.get(value ?? 'unassigned') ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

function Breakdown({ title, rows }: { title: string; rows: Array<[string, number]> }) {
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {title}
      </Text>
      <Stack gap={4}>
        {rows.map(([label, count]) => (
          <Group key={label} justify="space-between">
            <Text size="sm">{label}</Text>
            <Text size="sm" fw={500}>
              {count}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  )
}

export function DashboardScreen() {
  const info = useWorkspace((state) => state.info)
  const { all, load } = useApplications()

  useEffect(() => {
    void load()
  }, [load])

  if (info?.is_empty) return <Onboarding />

  return (
    <Stack>
      <Title order={2}>Governance dashboard</Title>
      <Text c="dimmed" size="sm">
        {all.length} applications in this workspace. Per-policy compliance appears here once policies are applied.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Breakdown title="By team" rows={countBy(all.map((app) => app.team))} />
        <Breakdown title="By environment" rows={countBy(all.map((app) => app.environment))} />
        <Breakdown title="Most used tags" rows={countBy(all.flatMap((app) => app.tags)).slice(0, 8)} />
      </SimpleGrid>
    </Stack>
  )
}
