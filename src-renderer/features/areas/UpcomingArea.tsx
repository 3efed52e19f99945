/** Areas whose engine services are still being built say what they will hold, not a blank page. */
import { Card, Stack, Text, Title } from '@mantine/core'

const PLANS: Record<string, string> = {
  reports: 'Compliance reports for auditors, as PDF or CSV, for any date.',
}

export function UpcomingArea({ area, title }: { area: string; title: string }) {
  return (
    <Stack>
      <Title order={2}>{title}</Title>
      <Card withBorder>
        <Text>{PLANS[area]}</Text>
        <Text c="dimmed" size="sm" mt="xs">
          Not yet available in this version of the console.
        </Text>
      </Card>
    </Stack>
  )
}
