/**
 * A Badge whose label is never cut short. Mantine's Badge hides overflow and ellipsises its label,
 * so in a narrow table cell "Non-Compliant" became "NO…"; labels from a fixed vocabulary (status,
 * severity, outcome) must read whole, so this badge keeps its natural width and the cell around it
 * grows or wraps between badges instead.
 */
import { Badge, type BadgeProps } from '@mantine/core'
import type { ComponentPropsWithoutRef } from 'react'

const WHOLE_LABEL = {
  root: { width: 'max-content', maxWidth: 'none', flexShrink: 0, overflow: 'visible' },
  label: { overflow: 'visible', textOverflow: 'clip' },
} as const

export type FullLabelBadgeProps = Omit<BadgeProps, 'styles'> & Omit<ComponentPropsWithoutRef<'div'>, keyof BadgeProps>

export function FullLabelBadge(props: FullLabelBadgeProps) {
  return <Badge {...props} styles={WHOLE_LABEL} />
}
