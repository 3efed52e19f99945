/** Step 1: what the policy is called, who owns it, when enforcement starts and where news goes. */
import { NumberInput, Select, SimpleGrid, Stack, Switch, TextInput, Textarea } from '@mantine/core'
import { usePeople } from '../../people/people-store'
import { useWizard } from './wizard-store'

export function DetailsStep() {
  const { details, errors, setDetail } = useWizard()
  const groups = usePeople((state) => state.groups)

  return (
    <Stack maw={720}>
      <TextInput
        label="Policy Name"
        description="A clear name visible to all admins"
        required
        data-autofocus
        value={details.name}
        onChange={(event) => setDetail('name', event.currentTarget.value)}
        error={errors.name}
      />
      <Textarea
        label="Description"
        description="The compliance framework or business requirement this policy satisfies"
        autosize
        minRows={2}
        value={details.description}
        onChange={(event) => setDetail('description', event.currentTarget.value)}
        error={errors.description}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Ownership"
          description="The group responsible for this policy"
          placeholder="No owning group"
          data={groups.map((group) => ({ value: group.id, label: group.name }))}
          value={details.owner_group_id}
          onChange={(value) => setDetail('owner_group_id', value)}
          error={errors.owner_group_id}
          clearable
          searchable
        />
        <NumberInput
          label="Enforcement delay (days)"
          description="Time teams get to remediate before alerts fire"
          min={0}
          max={365}
          allowDecimal={false}
          value={details.enforcement_delay_days}
          onChange={(value) => setDetail('enforcement_delay_days', value)}
          error={errors.enforcement_delay_days}
        />
      </SimpleGrid>
      <TextInput
        label="Notifications webhook URL"
        description="A channel (e.g. Slack) for events about this policy"
        placeholder="https://hooks.slack.com/…"
        value={details.notification_webhook}
        onChange={(event) => setDetail('notification_webhook', event.currentTarget.value)}
        error={errors.notification_webhook}
      />
      <Switch
        label="Auto-apply to new applications"
        description="Cover every application created from now on"
        checked={details.auto_apply}
        onChange={(event) => setDetail('auto_apply', event.currentTarget.checked)}
      />
      <Switch
        label="Auto-restore deleted rules"
        description="Recreate a required alert rule as soon as someone deletes it from an application"
        checked={details.auto_restore}
        onChange={(event) => setDetail('auto_restore', event.currentTarget.checked)}
      />
    </Stack>
  )
}
