/** The message for an error that belongs to no single field, announced to screen readers. */
import { Alert } from '@mantine/core'

export function FormError({ message }: { message?: string }) {
  if (!message) return null
  return (
    <Alert color="red" role="alert" variant="light">
      {message}
    </Alert>
  )
}
