/**
 * What every engine service works with: the database, the clock, and the feed that tells the
 * console what changed. Mutations go through `mutate`, so each is one transaction and the change
 * is announced only after it has committed.
 */
import { EventEmitter } from 'node:events'
import type { Actor } from '../../src-shared/domain/common'
import type { Clock } from './clock'
import type { Db, Tx } from './db/schema'

/** The areas of the workspace a mutation can touch; the console refreshes exactly these. */
export type Area = 'applications' | 'audit' | 'tokens' | 'workspace' | 'people' | 'rules' | 'policies'

export interface ChangeEvent {
  areas: Area[]
}

export interface CallContext {
  actor: Actor
}

export class EngineContext {
  readonly changes = new EventEmitter<{ changed: [ChangeEvent] }>()

  constructor(
    readonly db: Db,
    readonly clock: Clock,
  ) {}

  /** Now, as stored: ISO 8601 in UTC. */
  nowIso(): string {
    return this.clock.now().toISOString()
  }

  async mutate<T>(areas: Area[], work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(work)
    this.changes.emit('changed', { areas: [...new Set<Area>([...areas, 'audit'])] })
    return result
  }
}
