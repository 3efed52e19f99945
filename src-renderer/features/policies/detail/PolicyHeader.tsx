/** Who owns the policy, how it enforces and notifies, and the actions on it. */
import { Badge, Button, Group, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { Policy } from '../../../../src-shared/domain/policy'
import { FormError } from '../../../components/FormError'
import { PolicyStatusBadge } from '../../../components/PolicyStatusBadge'
import { groupName, usePeople } from '../../people/people-store'
import { useTemplates } from '../../templates/templates-store'

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  )
}

interface Props {
  policy: Policy
  onApply(): void
  onArchive(): Promise<void>
}

export function PolicyHeader({ policy, onApply, onArchive }: Props) {
  const groups = usePeople((state) => state.groups)
  const templates = useTemplates((state) => state.templates)
  const [confirmingArchive, setConfirmingArchive] = useState(false)
  const [archiveError, setArchiveError] = useState<string>()
  const templateName = policy.template_id ? (templates.find((t) => t.id === policy.template_id)?.name ?? policy.template_id) : '—'

  async function archive() {
    try {
      await onArchive()
      setConfirmingArchive(false)
    } catch (error) {
      setArchiveError((error as Error).message)
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={2}>{policy.name}</Title>
            <PolicyStatusBadge policy={policy} />
            <Badge variant="outline" data-testid="policy-version">
              Version {policy.version}
            </Badge>
          </Group>
          {policy.description ? (
            <Text c="dimmed" size="sm" maw={800}>
              {policy.description}
            </Text>
          ) : null}
        </div>
        {policy.archived ? null : (
          <Group>
            <Button onClick={onApply}>Apply to applications</Button>
            <Button variant="default" color="red" onClick={() => setConfirmingArchive(true)}>
              Archive
            </Button>
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} aria-label="Policy details">
        <Fact label="Template">{templateName}</Fact>
        <Fact label="Ownership">{groupName(groups, policy.owner_group_id)}</Fact>
        <Fact label="Enforcement delay">{policy.enforcement_delay_days} days</Fact>
        <Fact label="Notifications webhook">{policy.notification_webhook ?? '—'}</Fact>
        <Fact label="Auto-apply to new applications">{policy.auto_apply ? 'On' : 'Off'}</Fact>
        <Fact label="Auto-restore deleted rules">{policy.auto_restore ? 'On' : 'Off'}</Fact>
        <Fact label="Covered applications">{policy.covered_application_count}</Fact>
      </SimpleGrid>

      <Modal opened={confirmingArchive} onClose={() => setConfirmingArchive(false)} title={`Archive ${policy.name}?`}>
        <Stack>
          <Text size="sm">
            The policy stops covering its {policy.covered_application_count} applications and the alert rules it materialised on them are
            removed. Its versions stay in the audit trail.
          </Text>
          <FormError message={archiveError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingArchive(false)}>
              Keep policy
            </Button>
            <Button color="red" onClick={() => void archive()}>
              Archive policy
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
