/**
 * The sign-off: a verdict, notes (required where the rule says so) and, for "compliant with
 * exceptions", the exceptions granted. The engine decides what it accepts; its refusals appear on
 * the fields they name.
 */
import { Alert, Button, Group, Radio, Stack, Text, Textarea, Title } from '@mantine/core'
import { ATTESTATION_STATUSES, ATTESTATION_STATUS_LABELS, type AttestationRequest, type AttestationStatus } from '../../../../src-shared/domain/attestations'
import type { PolicyStatus } from '../../../../src-shared/domain/compliance'
import { useWorkspace } from '../../../app/workspace-store'
import { FormError } from '../../../components/FormError'
import { ExceptionEditor } from './ExceptionEditor'
import { useSignOff } from './sign-off-store'

const MEANINGS: Record<AttestationStatus, string> = {
  compliant: 'The policy is met on every covered application.',
  compliant_with_exceptions: 'Met, except for gaps you accept until a date: they count as passing until then.',
  non_compliant: 'The policy is not met: every covered application shows an attestation gap until a later compliant sign-off.',
}

interface Props {
  request: AttestationRequest
  evidence: readonly PolicyStatus[]
  /** When the evidence was read: the expiry dates offered count from it. */
  now: number
  focusRow?: number
  onFocused(): void
  onSubmit(): void
}

export function SignOffForm({ request, evidence, now, focusRow, onFocused, onSubmit }: Props) {
  const { values, errors, submitting, setStatus, setNotes } = useSignOff()
  const isAdmin = useWorkspace((state) => state.actor?.role === 'org_admin')

  return (
    <form
      aria-labelledby="sign-off-heading"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        onSubmit()
      }}
    >
      <Stack>
        <Title order={3} id="sign-off-heading">
          Sign off
        </Title>
        {request.addressed_to_me ? null : (
          <Alert variant="light" color="gray">
            <Text size="sm">
              {isAdmin
                ? 'This request is addressed to its reviewers, not to you; as an org admin you may still sign it off.'
                : 'This request is addressed to its reviewers, not to you: only they, or an org admin, may sign it off.'}
            </Text>
          </Alert>
        )}
        <Radio.Group label="Status" required value={values.status || null} onChange={(value) => setStatus(value as AttestationStatus)} error={errors.status}>
          <Stack gap="xs" mt="xs">
            {ATTESTATION_STATUSES.map((status) => (
              <Radio key={status} value={status} label={ATTESTATION_STATUS_LABELS[status]} description={MEANINGS[status]} />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea
          label="Notes"
          required={request.notes_required}
          description={request.notes_required ? 'This rule requires notes: what you checked, and what you found.' : 'Optional: what you checked, and what you found.'}
          autosize
          minRows={3}
          value={values.notes}
          onChange={(event) => setNotes(event.currentTarget.value)}
          error={errors.notes}
        />
        {values.status === 'compliant_with_exceptions' ? <ExceptionEditor evidence={evidence} now={now} focusRow={focusRow} onFocused={onFocused} /> : null}
        <FormError message={errors.form ?? errors.policy_id ?? errors.request_id ?? errors.id} />
        <Group justify="flex-end">
          <Button type="submit" loading={submitting}>
            Sign off
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
