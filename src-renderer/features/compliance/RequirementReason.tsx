/** Why a requirement stands as it does, under its name: the engine's reason, or for an excepted one, until when and why. */
import { Text } from '@mantine/core'
import type { RequirementResult } from '../../../src-shared/domain/compliance'
import { WRAP_ANYWHERE } from '../../components/long-text'
import { describeException } from '../attestations/describe'

// The exception's own fields rather than the reason: the date in the reader's format, the justification whole.
export function RequirementReason({ result }: { result: RequirementResult }) {
  if (result.outcome === 'excepted' && result.exception) {
    return (
      <Text size="xs" c="blue" data-testid="requirement-exception" style={WRAP_ANYWHERE}>
        {describeException(result.exception)}
      </Text>
    )
  }
  return (
    <Text size="xs" c="dimmed" data-testid="requirement-reason" style={WRAP_ANYWHERE}>
      {result.reason}
    </Text>
  )
}
