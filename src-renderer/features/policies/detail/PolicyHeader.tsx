/** Who owns the policy, how it enforces and notifies, and the actions on it (apply, edit details, archive). */
import { Badge, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { CoveredApplication, Policy } from '../../../../src-shared/domain/policy'
import { PolicyStatusBadge } from '../../../components/PolicyStatusBadge'
import { confirmAction, notifyDone, notifyFailed } from '../../../components/feedback'
import { WRAP_ANYWHERE } from '../../../components/long-text'
import { groupName, usePeople } from '../../people/people-store'
import { useTemplates } from '../../templates/templates-store'
import { POLICY_FIELD_LABELS as LABELS } from '../details-form/field-labels'
import { EditDetailsModal } from './EditDetailsModal'
import { usePolicyDetail } from './policy-detail-store'
import { Fact } from '../../../components/Fact'

interface Props {
  policy: Policy
  onApply(): void
  onArchive(): Promise<void>
}

/** What archiving takes away, in numbers: the applications it covers and the rules it put on them. */
function archiveConsequences(coverage: readonly CoveredApplication[]): string[] {
  const rules = coverage.reduce((total, app) => total + app.rule_count, 0)
  return [
    `${coverage.length} ${coverage.length === 1 ? 'application stops' : 'applications stop'} being covered; their ${rules} ${rules === 1 ? 'rule' : 'rules'} from this policy ${rules === 1 ? 'is' : 'are'} removed (a rule another policy also requires stays, at that policy’s threshold).`,
    'Its versions stay in the audit trail.',
    'An archived policy cannot be brought back; its name becomes free for a new one.',
  ]
}

export function PolicyHeader({ policy, onApply, onArchive }: Props) {
  const groups = usePeople((state) => state.groups)
  const templates = useTemplates((state) => state.templates)
  const coverage = usePolicyDetail((state) => state.coverage)
  const [editing, setEditing] = useState(false)
  const templateName = policy.template_id ? (templates.find((t) => t.id === policy.template_id)?.name ?? policy.template_id) : '—'

  async function archive() {
    const confirmed = await confirmAction({ title: `Archive ${policy.name}?`, consequences: archiveConsequences(coverage), confirmLabel: 'Archive policy', danger: true })
    if (!confirmed) return
    try {
      await onArchive()
      notifyDone(`Archived ${policy.name}: it covers no application now.`)
    } catch (error) {
      notifyFailed(error, `Could not archive ${policy.name}`)
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Title order={2} style={WRAP_ANYWHERE}>
              {policy.name}
            </Title>
            <PolicyStatusBadge policy={policy} />
            <Badge variant="outline" data-testid="policy-version">
              Version {policy.version}
            </Badge>
          </Group>
          {policy.description ? (
            <Text c="dimmed" size="sm" maw={800} style={WRAP_ANYWHERE}>
              {policy.description}
            </Text>
          ) : null}
        </div>
        {policy.archived ? null : (
          <Group>
            <Button onClick={onApply}>Apply to applications</Button>
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit details
            </Button>
            <Button variant="default" color="red" onClick={() => void archive()}>
              Archive
            </Button>
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} aria-label="Policy details">
        <Fact label="Template">{templateName}</Fact>
        <Fact label={LABELS.owner_group_id}>{groupName(groups, policy.owner_group_id)}</Fact>
        <Fact label={LABELS.enforcement_delay_days}>{policy.enforcement_delay_days} days</Fact>
        <Fact label={LABELS.notification_webhook}>{policy.notification_webhook ?? '—'}</Fact>
        <Fact label={LABELS.auto_apply}>{policy.auto_apply ? 'On' : 'Off'}</Fact>
        <Fact label={LABELS.auto_restore}>{policy.auto_restore ? 'On' : 'Off'}</Fact>
        <Fact label="Covered applications">{policy.covered_application_count}</Fact>
      </SimpleGrid>
      <EditDetailsModal policy={policy} opened={editing} onClose={() => setEditing(false)} />
    </Stack>
  )
}
