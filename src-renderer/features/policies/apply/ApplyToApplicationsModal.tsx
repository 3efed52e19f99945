/** Choose which applications a policy covers, see the effect first, then apply in one step. */
import { Button, Grid, Group, Modal, MultiSelect, SegmentedControl, Stack, Text } from '@mantine/core'
import { useMemo } from 'react'
import type { Policy } from '../../../../src-shared/domain/policy'
import { FormError } from '../../../components/FormError'
import { WRAPPING_MODAL_TITLE } from '../../../components/long-text'
import { notifyDone } from '../../../components/feedback'
import { errorFor } from '../../../components/field-errors'
import { ImpactPreview } from '../impact/ImpactPreview'
import { ApplicationPicker } from './ApplicationPicker'
import { ScopePreview } from './ScopePreview'
import { useApplyScope, type ScopeMode } from './apply-store'

const MODES: Array<{ value: ScopeMode; label: string }> = [
  { value: 'all', label: 'All applications' },
  { value: 'tags', label: 'By tags' },
  { value: 'selected', label: 'Selected applications' },
]

/** Shown over the detail of `policyId` only, so a dialog left open elsewhere never appears on another policy. */
export function ApplyToApplicationsModal({ policyId, onApplied }: { policyId: string; onApplied(policy: Policy): void }) {
  const { policy, mode, tags, applications, applying, errors, preview, impact, previewing, setMode, setTags, close, apply } = useApplyScope()
  const tagChoices = useMemo(() => [...new Set([...applications.flatMap((app) => app.tags), ...tags])].sort(), [applications, tags])

  async function confirm() {
    // Applying closes the dialog and drops the preview; its counts are what the toast reports.
    const counts = preview
    const updated = await apply()
    if (!updated) return
    const changed = counts ? ` (${counts.added} added, ${counts.removed} removed)` : ''
    notifyDone(`${updated.name} now covers ${updated.covered_application_count} ${updated.covered_application_count === 1 ? 'application' : 'applications'}${changed}.`)
    onApplied(updated)
  }

  return (
    <Modal opened={policy?.id === policyId} onClose={close} title={policy ? `Apply ${policy.name} to applications` : ''} size="80rem" styles={WRAPPING_MODAL_TITLE}>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <div>
              <Text size="sm" fw={500} mb={4} id="apply-mode-label">
                Cover
              </Text>
              <SegmentedControl aria-labelledby="apply-mode-label" data={MODES} value={mode} onChange={(value) => setMode(value as ScopeMode)} />
            </div>
            {mode === 'all' ? (
              <Text size="sm" c="dimmed">
                Every application in the workspace, including ones added later.
              </Text>
            ) : null}
            {mode === 'tags' ? (
              <MultiSelect
                label="Tags"
                description="Every application carrying any of these tags"
                data={tagChoices}
                value={tags}
                onChange={setTags}
                error={errorFor(errors, 'scope.tags')}
                searchable
                clearable
              />
            ) : null}
            {mode === 'selected' ? <ApplicationPicker /> : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <ScopePreview />
            <ImpactPreview impact={impact} loading={previewing} />
          </Stack>
        </Grid.Col>
      </Grid>
      <Stack mt="md">
        <FormError message={errors.form ?? errors.scope ?? errors.id ?? errors.base_version ?? errorFor(errors, 'scope.application_ids')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={() => void confirm()} loading={applying}>
            Apply
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
