/**
 * "Verify audit trail": asks the engine to check every audit event against the hash chain and the
 * newest head signed with the workspace's key, and says what it found: intact, with how many
 * events, the head hash and the signing key's fingerprint (what packages carry), or the first bad event.
 */
import { Alert, Button, Group, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { AuditChainVerification } from '../../../src-shared/domain/audit'
import { client } from '../../api/client'
import { notifyFailed } from '../../components/feedback'

export function AuditTrailCheck() {
  const [checking, setChecking] = useState(false)
  const [result, setResult] = useState<AuditChainVerification | null>(null)
  const verify = () => {
    setChecking(true)
    client
      .call('audit.verify', {})
      .then(setResult, (error: unknown) => notifyFailed(error, 'Could not check the audit trail'))
      .finally(() => setChecking(false))
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          Each audit event carries a hash of its content and of the event before it, and every change’s newest event is signed with a key kept outside
          the workspace. Checking recomputes every hash and compares the trail with its signed heads, so an event altered, removed or added outside
          the console is found and named.
        </Text>
        <Button loading={checking} onClick={verify}>
          Verify audit trail
        </Button>
      </Group>
      {result?.ok === true && (
        <Alert color="green" title="The audit trail is intact">
          All {result.events.toLocaleString('en-US')} events match their hashes and follow one another. Head hash{' '}
          <Text span ff="monospace" title={result.head}>
            {result.head.slice(0, 12)}…
          </Text>
          {result.checkpoint && (
            <Text size="sm" mt="xs">
              Checked against the head signed at {result.checkpoint.at} (event {result.checkpoint.event_id.toLocaleString('en-US')}). Signing key fingerprint{' '}
              <Text span ff="monospace" title={result.checkpoint.fingerprint}>
                {result.checkpoint.fingerprint}
              </Text>
            </Text>
          )}
          {result.notes?.map((note) => (
            <Text size="sm" mt="xs" key={note}>
              {note}
            </Text>
          ))}
        </Alert>
      )}
      {result?.ok === false && (
        <Alert color="red" title="The audit trail has been tampered with">
          {result.first_bad.message}. The {result.events_checked.toLocaleString('en-US')} events before it are intact.
        </Alert>
      )}
    </Stack>
  )
}
