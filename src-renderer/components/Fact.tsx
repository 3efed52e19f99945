/** A labelled fact in a page's header or summary: the label small and dimmed, the value beneath, wrapping anywhere. */
import { Text } from '@mantine/core'
import { WRAP_ANYWHERE } from './long-text'

export function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={WRAP_ANYWHERE}>
        {children}
      </Text>
    </div>
  )
}
