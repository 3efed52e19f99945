/**
 * "Skip to main content", the first thing Tab reaches, so keyboard users need not walk the
 * navigation on every page. The console routes by the URL hash, so the link moves focus itself
 * rather than following `#main-content`, which would be read as a route.
 */
import classes from './SkipLink.module.css'

export const MAIN_CONTENT_ID = 'main-content'

export function SkipLink() {
  return (
    <a
      className={classes.skipLink}
      href={`#${MAIN_CONTENT_ID}`}
      onClick={(event) => {
        event.preventDefault()
        document.getElementById(MAIN_CONTENT_ID)?.focus()
      }}
    >
      Skip to main content
    </a>
  )
}
