/**
 * Text that stays on one line within its box, however long and unbroken (a 200-character name
 * would otherwise widen its table column or the page), ending in an ellipsis when it does not fit.
 * The full text stays in the DOM, so screen readers, copy and find-in-page get all of it; pointer
 * and keyboard focus show it whole in a tooltip, only when it was cut, and Escape hides it.
 */
import { Anchor, Text, Tooltip, type MantineFontSize, type MantineColor } from '@mantine/core'
import { useState, type MouseEvent, type SyntheticEvent } from 'react'

export interface TruncatedTextProps {
  /** The whole text. */
  children: string
  /** Renders a real link (`#/applications/app_…`), so it opens with Enter, middle-click or a new tab. */
  href?: string
  onClick?(event: MouseEvent<HTMLAnchorElement | HTMLSpanElement>): void
  fw?: number
  size?: MantineFontSize
  c?: MantineColor
  ff?: 'monospace' | 'text' | 'heading'
  'data-testid'?: string
}

const ONE_LINE = { display: 'block', maxWidth: '100%', minWidth: 0 } as const

export function TruncatedText({ children: text, href, onClick, ...textProps }: TruncatedTextProps) {
  const [opened, setOpened] = useState(false)
  // Measured when the pointer or focus arrives rather than on every render: cheap in long tables.
  const show = (event: SyntheticEvent<HTMLElement>) => setOpened(event.currentTarget.scrollWidth > event.currentTarget.clientWidth)
  const hide = () => setOpened(false)
  const handlers = {
    onMouseEnter: show,
    onFocus: show,
    onMouseLeave: hide,
    onBlur: hide,
    onKeyDown: (event: React.KeyboardEvent) => {
      if (event.key === 'Escape' && opened) {
        event.stopPropagation()
        hide()
      }
    },
    onClick,
  }
  const content = href ? (
    <Anchor href={href} truncate="end" style={ONE_LINE} {...textProps} {...handlers}>
      {text}
    </Anchor>
  ) : (
    <Text component="span" truncate="end" style={ONE_LINE} inherit={!textProps.size} {...textProps} {...handlers}>
      {text}
    </Text>
  )
  return (
    <Tooltip label={text} opened={opened} multiline maw={480} openDelay={0} style={{ overflowWrap: 'anywhere' }} withinPortal>
      {content}
    </Tooltip>
  )
}
