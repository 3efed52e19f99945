/**
 * Text that stays on one line within its box, however long and unbroken (a 200-character name
 * would otherwise widen its table column or the page), ending in an ellipsis when it does not fit.
 * The full text stays in the DOM, so screen readers, copy and find-in-page get all of it; pointer
 * and keyboard focus show it whole in a tooltip, only when it was cut, and Escape hides it.
 * Plain elements, not Mantine's Text: tables draw thousands of these as they scroll.
 */
import { Tooltip, type MantineSize } from '@mantine/core'
import { useRef, useState, type KeyboardEvent, type MouseEvent, type SyntheticEvent } from 'react'
import classes from './TruncatedText.module.css'

export interface TruncatedTextProps {
  /** The whole text. */
  children: string
  /** Renders a real link (`#/applications/app_…`), so it opens with Enter, middle-click or a new tab. */
  href?: string
  onClick?(event: MouseEvent<HTMLElement>): void
  /** Font weight, such as 500 for names. */
  fw?: number
  /** Font size from the theme; inherits the surrounding size without one. */
  size?: MantineSize
  dimmed?: boolean
  monospace?: boolean
  'data-testid'?: string
}

export function TruncatedText({ children: text, href, onClick, fw, size, dimmed, monospace, ...rest }: TruncatedTextProps) {
  const [opened, setOpened] = useState(false)
  const element = useRef<HTMLElement>(null)
  // Measured when the pointer or focus arrives rather than on every render: cheap in long tables.
  const show = (event: SyntheticEvent<HTMLElement>) => setOpened(event.currentTarget.scrollWidth > event.currentTarget.clientWidth)
  const hide = () => setOpened(false)
  const props = {
    className: [classes.text, href && classes.link, dimmed && classes.dimmed, monospace && classes.monospace].filter(Boolean).join(' '),
    style: { fontWeight: fw, fontSize: size ? `var(--mantine-font-size-${size})` : undefined },
    onMouseEnter: show,
    onFocus: show,
    onMouseLeave: hide,
    onBlur: hide,
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Escape' && opened) {
        event.stopPropagation()
        hide()
      }
    },
    onClick,
    ...rest,
  }
  return (
    <>
      {href ? (
        <a ref={element as React.Ref<HTMLAnchorElement>} href={href} {...props}>
          {text}
        </a>
      ) : (
        <span ref={element} {...props}>
          {text}
        </span>
      )}
      {/* Only while shown, and beside the text rather than around it: a Tooltip per row measured
          every row as it mounted (floating-ui reads computed styles), a visible cost in long tables. */}
      {opened ? <Tooltip target={element} label={text} opened multiline maw={480} style={{ overflowWrap: 'anywhere' }} withinPortal /> : null}
    </>
  )
}
