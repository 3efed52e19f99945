/**
 * What every engine service works with: the database, the clock, and the feed that tells the
 * console what changed. Mutations go through `mutate`, so each is one transaction holding the
 * write lock, and the change is announced only after it has committed.
 */
import { EventEmitter } from 'node:events'
import type { Actor } from '../../src-shared/domain/common'
import type { Clock } from './clock'
import { claimCommandIn, outsideCommand } from './commands/applied-commands'
import type { Db, Tx } from './db/schema'
import { ReadGenerations } from './read-generations'
import { outsideOutbox, recordOutboxIn } from './sync-outbox'

/** The areas of the workspace a mutation can touch; the console refreshes exactly these. */
export type Area = 'applications' | 'audit' | 'tokens' | 'workspace' | 'people' | 'rules' | 'policies' | 'metrics' | 'compliance' | 'attestations'

export interface ChangeEvent {
  areas: Area[]
}

export interface CallContext {
  actor: Actor
  /**
   * A file sent as the request itself rather than inside its input (a streamed upload), read as
   * it arrives. Only procedures whose payload is 'upload' read it.
   */
  upload?: AsyncIterable<Uint8Array | string>
  /** The id its sender gave this change (an Idempotency-Key), so that it is applied once. */
  commandId?: string
}

/** Runs work in one write transaction on the workspace (see db/open.ts). */
export type WriteTransaction = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>

export class EngineContext {
  readonly changes = new EventEmitter<{ changed: [ChangeEvent] }>()
  /**
   * A desktop connected to a server: the server evaluates compliance, keeps attestations due and
   * sends alerts, and this workspace pulls what it decided, so its own evaluator stands down.
   */
  replica = false
  /** Which kept answers about one application each committed change leaves standing. */
  readonly reads = new ReadGenerations()

  /** Write transactions this process has begun or is waiting to begin, not yet ended. */
  private writing = 0

  constructor(
    /** The read connection: only committed work is visible through it. */
    readonly db: Db,
    private readonly writeTransaction: WriteTransaction,
    readonly clock: Clock,
  ) {}

  /** Whether a write of this process holds the write lock or waits for it: a read that needs it would wait. */
  get writeUnderWay(): boolean {
    return this.writing > 0
  }

  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    this.writing++
    try {
      return await this.writeTransaction(work)
    } finally {
      this.writing--
    }
  }

  /** Now, as stored: ISO 8601 in UTC. */
  nowIso(): string {
    return this.clock.now().toISOString()
  }

  /**
   * One change to the workspace: one transaction, announced once it has committed. The areas may
   * depend on what the change did (a long task's step announces its writes only with its last).
   * The first change of a call sent as a command keeps the call's answer, made of its result
   * (commands/applied-commands.ts): a handler answers what its first transaction returns.
   * `applications`, when given, are the only applications whose records, data or statuses the
   * change touched; without it, it may have touched any.
   */
  async mutate<T>(areas: Area[] | ((result: T) => Area[]), work: (tx: Tx) => Promise<T>, applications?: readonly string[] | ((result: T) => readonly string[] | undefined)): Promise<T> {
    let committed: (() => void) | undefined
    let queued: (() => void) | undefined
    const result = await this.write(async (tx) => {
      // A call sent as a command (an Idempotency-Key) applied before is refused here, changing nothing.
      const command = await claimCommandIn(tx)
      // A connected desktop's change is recorded with it, as the command its server is to be sent.
      queued = await recordOutboxIn(tx)
      const done = await work(tx)
      // A command is recorded with its first change, its answer made of the result: both commit, or neither.
      committed = await command?.keep(this.nowIso(), done)
      return done
    })
    this.reads.committed(typeof applications === 'function' ? applications(result) : applications)
    committed?.()
    queued?.()
    const changed = typeof areas === 'function' ? areas(result) : areas
    // A change that found nothing to do (its areas empty) wrote nothing worth announcing.
    if (changed.length > 0) this.announce(changed)
    return result
  }

  /**
   * Bookkeeping no one is shown and no audit records (a token's last use, an alert's delivery
   * attempt): one transaction, not announced.
   */
  bookkeep<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.write(work)
  }

  announce(areas: Area[]): void {
    // Listeners start background work (evaluation, webhooks); it must not count as the call's command.
    outsideCommand(() => outsideOutbox(() => this.changes.emit('changed', { areas: [...new Set<Area>([...areas, 'audit'])] })))
  }

  /**
   * Runs a mutation and rolls it back, returning what `inspect` saw inside it: a dry run that
   * is exactly what the real change would do, and writes nothing.
   */
  async rehearse<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const rollback = new RehearsalDone<T>()
    try {
      await this.write(async (tx) => {
        rollback.value = await work(tx)
        throw rollback
      })
    } catch (error) {
      if (error === rollback) return rollback.value as T
      throw error
    }
    throw new Error('unreachable: a rehearsal always rolls back')
  }
}

class RehearsalDone<T> {
  value: T | undefined
}
