/**
 * The exceptions a "compliant with exceptions" sign-off grants: per row, the application, the
 * requirement accepted, why, and the day it ends (a native date field: typed or picked, read by
 * screen readers as a date, and offering only the days the engine accepts).
 */
import { Button, Fieldset, Group, Input, Select, Stack, TextInput, Textarea } from '@mantine/core'
import { useEffect, useMemo, useRef } from 'react'
import type { PolicyStatus } from '../../../../src-shared/domain/compliance'
import { METRIC_BY_KEY } from '../../../../src-shared/domain/metrics'
import { errorFor } from '../../../components/field-errors'
import { expiryBounds, type ExceptionRow } from './sign-off'
import { useSignOff } from './sign-off-store'

const OUTCOME_WORDS = { pass: 'passing', breach: 'breached', no_data: 'no data', missing_rule: 'rule deleted', excepted: 'excepted' } as const

interface Props {
  evidence: readonly PolicyStatus[]
  /** When the evidence was read: the days offered run from the day after. */
  now: number
  /** A row to focus once drawn (one just added from the evidence). */
  focusRow?: number
  onFocused(): void
}

function ExceptionFields({ row, index, evidence, now, focus, onFocused }: { row: ExceptionRow; index: number; evidence: Props['evidence']; now: number; focus: boolean; onFocused(): void }) {
  const { errors, updateException, removeException } = useSignOff()
  const justification = useRef<HTMLTextAreaElement>(null)
  const bounds = useMemo(() => expiryBounds(now), [now])
  const at = (field: string) => `exceptions.${index}.${field}`
  const number = index + 1

  useEffect(() => {
    if (!focus) return
    justification.current?.focus()
    onFocused()
  }, [focus, onFocused])

  const applications = useMemo(() => evidence.map((status) => ({ value: status.application_id, label: status.application_name })), [evidence])
  // The chosen application's requirements with how each fares; before one is chosen, the policy's.
  const requirements = useMemo(() => {
    const chosen = evidence.find((status) => status.application_id === row.application_id)
    const results = chosen?.requirements ?? evidence[0]?.requirements ?? []
    return results.map((result) => ({
      value: result.requirement,
      label: chosen ? `${METRIC_BY_KEY[result.requirement].label} (${OUTCOME_WORDS[result.outcome]})` : METRIC_BY_KEY[result.requirement].label,
    }))
  }, [evidence, row.application_id])

  return (
    <Fieldset legend={`Exception ${number}`} data-testid="exception-row" p="sm">
      <Stack gap="xs">
        {/* One above the other: beside each other in the form's column, requirement names were cut short. */}
        <Select
          label="Application"
          required
          placeholder="Choose an application"
          data={applications}
          value={row.application_id || null}
          onChange={(value) => updateException(row.key, { application_id: value ?? '' })}
          searchable
          error={errors[at('application_id')]}
        />
        <Select
          label="Requirement"
          required
          placeholder="Choose a requirement"
          data={requirements}
          value={row.requirement || null}
          onChange={(value) => updateException(row.key, { requirement: value ?? '' })}
          error={errors[at('requirement')]}
        />
        <Textarea
          ref={justification}
          label="Justification"
          required
          description="Why the gap is accepted, and who approved it"
          autosize
          minRows={2}
          value={row.justification}
          onChange={(event) => updateException(row.key, { justification: event.currentTarget.value })}
          error={errors[at('justification')]}
        />
        <Group align="flex-end" justify="space-between">
          <TextInput
            type="date"
            label="Expires on"
            required
            description="The gap returns on this day (UTC); at most a year away"
            min={bounds.min}
            max={bounds.max}
            value={row.expiry_date}
            onChange={(event) => updateException(row.key, { expiry_date: event.currentTarget.value })}
            error={errors[at('expiry_date')]}
            w={260}
          />
          <Button variant="subtle" color="red" onClick={() => removeException(row.key)} aria-label={`Remove exception ${number}`}>
            Remove
          </Button>
        </Group>
        {/* The row as a whole (listed twice, say): not one field's fault. */}
        {errors[`exceptions.${index}`] ? <Input.Error role="alert">{errors[`exceptions.${index}`]}</Input.Error> : null}
      </Stack>
    </Fieldset>
  )
}

export function ExceptionEditor({ evidence, now, focusRow, onFocused }: Props) {
  const { values, errors, addException } = useSignOff()
  // Refusals of the list itself ("needs at least one exception"), not of one row.
  const listError = errors.exceptions ?? (values.exceptions.length === 0 ? errorFor(errors, 'exceptions') : undefined)
  return (
    <Stack gap="xs" data-testid="exception-editor">
      {values.exceptions.map((row, index) => (
        <ExceptionFields key={row.key} row={row} index={index} evidence={evidence} now={now} focus={row.key === focusRow} onFocused={onFocused} />
      ))}
      {listError ? <Input.Error role="alert">{listError}</Input.Error> : null}
      <Button variant="light" onClick={() => addException()} style={{ alignSelf: 'flex-start' }} disabled={evidence.length === 0}>
        Add exception
      </Button>
    </Stack>
  )
}
