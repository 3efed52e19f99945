/**
 * First run: an empty workspace explains itself and offers a sample portfolio in one click. While
 * the sample loads (here, or started by another window or program) it shows how far it has got.
 */
import { Alert, Button, Card, Group, List, Progress, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { useNavigation } from '../../app/navigation'
import { useWorkspace } from '../../app/workspace-store'

export function Onboarding() {
  const loadSample = useWorkspace((state) => state.loadSample)
  const loading = useWorkspace((state) => state.info?.loading_sample ?? null)
  const go = useNavigation((state) => state.go)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  async function load() {
    setBusy(true)
    setError(undefined)
    try {
      await loadSample()
      go('dashboard')
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  // A sliver from the start, so the bar shows before the first piece of work is done.
  const percent = loading && loading.total > 0 ? Math.max(2, Math.round((100 * loading.done) / loading.total)) : 2

  return (
    <Card withBorder padding="xl" maw={720} mx="auto" mt="xl">
      <Stack>
        <Title order={2}>Welcome to your governance workspace</Title>
        <Text>
          Define your AI monitoring requirements once, as policies, and the console enforces them on every application
          you run. This workspace is a file on this computer, so it works offline.
        </Text>
        <List spacing="xs">
          <List.Item>Register your AI applications, with team, environment and tags.</List.Item>
          <List.Item>Apply policy templates such as System Health or Sensitive Data.</List.Item>
          <List.Item>Watch compliance, collect attestations and export reports for auditors.</List.Item>
        </List>
        {error ? <Alert color="red">{error}</Alert> : null}
        {busy || loading ? (
          <Stack gap={6}>
            <Text size="sm">
              Loading the sample workspace: applications across teams and environments, the four policy templates and
              ninety days of monitoring history.
            </Text>
            <Progress value={percent} animated aria-label="Loading the sample workspace" />
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="sample-loading-activity">
              {loading ? `${loading.activity}…` : 'Adding the sample’s people, applications and policies…'}
            </Text>
          </Stack>
        ) : null}
        <Group>
          <Button onClick={() => void load()} loading={busy} disabled={!busy && loading !== null}>
            Load sample workspace
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}
