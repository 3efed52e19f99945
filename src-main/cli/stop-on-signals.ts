/**
 * How `govern serve` ends: the first SIGTERM or SIGINT runs `stop` and exits 0 (1 if stopping
 * failed); a second one, from someone who will not wait for requests to finish, exits at once.
 */
import { constants } from 'node:os'
import type { ServerLog } from '../transport/http/json-log'

export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, log: ServerLog): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log({ level: 'warn', msg: `${signal} again: exiting without waiting` })
      // As a shell reports a process a signal ended: 128 and the signal's number.
      process.exit(128 + constants.signals[signal])
    }
    stopping = true
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        log({ level: 'error', msg: 'stopping failed', error })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
