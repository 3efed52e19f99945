/**
 * One read answering every caller that asked while it waited to be sent. A caller needs a read
 * that starts after it asked (so it sees everything committed before), not one of its own: while
 * a read is under way, everyone who asks meanwhile shares the next one, sent as soon as that read
 * returns. Under load, one round trip to the database answers a whole burst of requests, and each
 * still sees a value no older than its own arrival.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined
  let next: Promise<T> | undefined
  const start = (): Promise<T> => {
    const started = read().finally(() => {
      if (running === started) running = undefined
    })
    running = started
    return started
  }
  return () => {
    if (!running) return start()
    // The read under way began before this call, so it may miss a commit this caller must see.
    next ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined
        return start()
      })
    return next
  }
}
