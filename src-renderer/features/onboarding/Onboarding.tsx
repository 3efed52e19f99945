/** First run: an empty workspace explains itself and offers a sample portfolio in one click. */
import { Alert, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { useNavigation } from '../../app/navigation'
import { useWorkspace } from '../../app/workspace-store'
import { useApplications } from '../applications/applications-store'

export function Onboarding() {
  const loadSample = useWorkspace((state) => state.loadSample)
  const go = useNavigation((state) => state.go)
  const reloadApplications = useApplications((state) => state.load)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  async function load() {
    setBusy(true)
    setError(undefined)
    try {
      await loadSample()
      await reloadApplications()
      go('applications')
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

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
        <Group>
          <Button onClick={() => void load()} loading={busy}>
            Load sample workspace
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}
