/**
 * The fields of a policy's details, with their errors beside them: the wizard's first step and
 * the policy page's "Edit details" show the same fields under the same labels.
 */
import { NumberInput, Select, SimpleGrid, Stack, Switch, TextInput, Textarea } from '@mantine/core'
import { usePeople } from '../../people/people-store'
import { POLICY_FIELD_LABELS as LABELS } from './field-labels'
import type { PolicyDetailsValues } from './policy-details'

interface Props {
  values: PolicyDetailsValues
  errors: Record<string, string>
  onChange<K extends keyof PolicyDetailsValues>(key: K, value: PolicyDetailsValues[K]): void
  /** The delay is set when a policy is created; "Edit details" leaves it out. */
  withEnforcementDelay?: boolean
}

export function PolicyDetailsFields({ values, errors, onChange, withEnforcementDelay = true }: Props) {
  const groups = usePeople((state) => state.groups)
  const ownership = (
    <Select
      label={LABELS.owner_group_id}
      description="The group responsible for this policy"
      placeholder="No owning group"
      data={groups.map((group) => ({ value: group.id, label: group.name }))}
      value={values.owner_group_id}
      onChange={(value) => onChange('owner_group_id', value)}
      error={errors.owner_group_id}
      clearable
      searchable
    />
  )
  return (
    <Stack maw={720}>
      <TextInput
        label={LABELS.name}
        description="A clear name visible to all admins"
        required
        data-autofocus
        value={values.name}
        onChange={(event) => onChange('name', event.currentTarget.value)}
        error={errors.name}
      />
      <Textarea
        label={LABELS.description}
        description="The compliance framework or business requirement this policy satisfies"
        autosize
        minRows={2}
        value={values.description}
        onChange={(event) => onChange('description', event.currentTarget.value)}
        error={errors.description}
      />
      {withEnforcementDelay ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {ownership}
          {/* No min, max or clamping: a negative or fractional delay is shown as an error, never quietly changed. */}
          <NumberInput
            label={`${LABELS.enforcement_delay_days} (days)`}
            description="Time teams get to remediate before alerts fire"
            clampBehavior="none"
            value={values.enforcement_delay_days}
            onChange={(value) => onChange('enforcement_delay_days', value)}
            error={errors.enforcement_delay_days}
          />
        </SimpleGrid>
      ) : (
        ownership
      )}
      <TextInput
        label={LABELS.notification_webhook}
        description="A channel (e.g. Slack) for events about this policy"
        placeholder="https://hooks.slack.com/…"
        value={values.notification_webhook}
        onChange={(event) => onChange('notification_webhook', event.currentTarget.value)}
        error={errors.notification_webhook}
      />
      <Switch
        label={LABELS.auto_apply}
        description="Cover every application created from now on"
        checked={values.auto_apply}
        onChange={(event) => onChange('auto_apply', event.currentTarget.checked)}
        error={errors.auto_apply}
      />
      <Switch
        label={LABELS.auto_restore}
        description="Recreate a required alert rule as soon as someone deletes it from an application"
        checked={values.auto_restore}
        onChange={(event) => onChange('auto_restore', event.currentTarget.checked)}
        error={errors.auto_restore}
      />
    </Stack>
  )
}
