/**
 * The server's log: one JSON object per line, for whatever collects a service's output. What a
 * line may hold is fixed here, field by field, so no header, cookie or query string can reach it.
 */

export type LogLevel = 'info' | 'warn' | 'error'

export interface LogEvent {
  level: LogLevel
  msg: string
  request_id?: string
  method?: string
  /** The path alone: a query string may carry a secret (the sign-in link's token does). */
  path?: string
  status?: number
  duration_ms?: number
  actor_id?: string
  error?: unknown
}

export type ServerLog = (event: LogEvent) => void

/**
 * Lines go to stderr by default: stdout carries what `govern serve` prints for the person who
 * started it, the sign-in link with its login token among it, and a log collector given stderr
 * alone never sees that token.
 */
export function jsonLog(writeLine: (line: string) => void = toStderr): ServerLog {
  return ({ level, msg, error, ...fields }) => {
    const line = { time: new Date().toISOString(), level, msg, ...fields, ...(error === undefined ? {} : { error: describeError(error) }) }
    writeLine(JSON.stringify(line))
  }
}

/**
 * stderr, a line at a time, costs a system call per request: the lines of one turn of the event
 * loop are written together at its end instead, and whatever is left when the process exits.
 */
let waiting: string[] = []
let flushedOnExit = false

function flushLines(): void {
  if (waiting.length === 0) return
  process.stderr.write(waiting.join(''))
  waiting = []
}

function toStderr(line: string): void {
  if (waiting.length === 0) {
    if (!flushedOnExit) process.on('exit', flushLines)
    flushedOnExit = true
    setImmediate(flushLines)
  }
  waiting.push(`${line}\n`)
}

/** The operator's view of a failure: the stack included, as the person reading logs fixes it. */
function describeError(error: unknown): Record<string, string> | string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(error.stack ? { stack: error.stack } : {}) }
}
