/**
 * "Edit details": a policy's name, description, owner, webhook, auto-apply and auto-restore,
 * checked with the engine's own schema before saving; what the engine refuses (a taken name)
 * comes back beside its field. Saving makes a new policy version.
 */
import { Button, Group, Modal, Stack } from '@mantine/core'
import { useState } from 'react'
import type { Policy } from '../../../../src-shared/domain/policy'
import { FormError } from '../../../components/FormError'
import { notifyDone } from '../../../components/feedback'
import { errorsByField } from '../../../components/field-errors'
import { WRAPPING_MODAL_TITLE } from '../../../components/long-text'
import { PolicyDetailsFields } from '../details-form/PolicyDetailsFields'
import { labelledErrors } from '../details-form/field-labels'
import { EDITABLE_FIELDS, checkEditedDetails, editedPayload, valuesOf, type PolicyDetailsValues } from '../details-form/policy-details'
import { isEditConflict, usePolicyDetail } from './policy-detail-store'

function EditDetailsForm({ policy, onClose }: { policy: Policy; onClose(): void }) {
  const updateDetails = usePolicyDetail((state) => state.updateDetails)
  // The policy as the form was filled from it: the edit is what changed from this, made on its
  // version, however the page refreshes meanwhile (a colleague's change is not the person's edit).
  const [base] = useState(policy)
  const [values, setValues] = useState<PolicyDetailsValues>(() => valuesOf(base))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  function change<K extends keyof PolicyDetailsValues>(key: K, value: PolicyDetailsValues[K]) {
    setValues((current) => ({ ...current, [key]: value }))
    setErrors(({ [key]: _fixed, ...rest }) => rest)
  }

  async function save(event: React.FormEvent) {
    event.preventDefault()
    const problems = checkEditedDetails(values)
    if (Object.keys(problems).length) return setErrors(problems)
    // Only what changed goes, so an untouched form makes no new version.
    const edited = editedPayload(values)
    const changed = Object.fromEntries(EDITABLE_FIELDS.filter((field) => edited[field] !== base[field]).map((field) => [field, edited[field]]))
    if (Object.keys(changed).length === 0) return onClose()
    setSaving(true)
    try {
      const updated = await updateDetails(changed, base.version)
      notifyDone(`Saved the details of ${updated.name} (version ${updated.version}).`)
      onClose()
    } catch (error) {
      // The conflict opens on the page, with both versions; this form has nothing more to say.
      if (isEditConflict(error)) return onClose()
      setErrors(labelledErrors(errorsByField(error)))
    } finally {
      setSaving(false)
    }
  }

  const unplaced = Object.entries(errors).find(([field]) => !(EDITABLE_FIELDS as readonly string[]).includes(field))?.[1]
  return (
    <form onSubmit={(event) => void save(event)} noValidate>
      <Stack>
        <PolicyDetailsFields values={values} errors={errors} onChange={change} withEnforcementDelay={false} />
        <FormError message={unplaced} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Save details
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

export function EditDetailsModal({ policy, opened, onClose }: { policy: Policy; opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit details of ${policy.name}`} size="lg" styles={WRAPPING_MODAL_TITLE}>
      {/* Mounted afresh on each opening, so the form starts from the policy as it is now. */}
      {opened ? <EditDetailsForm policy={policy} onClose={onClose} /> : null}
    </Modal>
  )
}
