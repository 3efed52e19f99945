/**
 * Names may be 200 characters without a space; this lets them wrap at any character rather than
 * widen the page. Headings, dialog titles and free text wrap, so they read whole; table cells use
 * TruncatedText instead, so every row keeps one line.
 */
export const WRAP_ANYWHERE = { overflowWrap: 'anywhere' } as const

/** For a Modal whose title carries a name: the title wraps inside the dialog's header. */
export const WRAPPING_MODAL_TITLE = { title: { ...WRAP_ANYWHERE, minWidth: 0 } } as const
