/**
 * A desktop's sync with its server: connect and disconnect, push the outbox oldest first, pull the
 * change feed from the stored cursor, settle refused changes, and say how it all stands. The
 * server is authoritative: once the outbox holds nothing left to send, every row this desktop
 * changed is set back to the server's version of it, and the server's rows are pulled over the
 * desktop's. A pull waits while anything is pending, so a pulled row never hides a local change.
 */
import type { ConnectDraft, RowChange, RowKey, SyncProblem, SyncState, SyncStatus } from '../../../src-shared/domain/sync'
import { currentVersionOf, EditConflict, RECORD_WORDS } from '../../../src-shared/domain/conflicts'
import { OWNER_USER_ID } from '../../../src-shared/domain/people'
import { countApplications } from '../applications/applications'
import type { Db } from '../db/schema'
import { recordAudit } from '../audit-trail'
import type { HeadSigning } from '../audit/head-signing'
import type { Area, CallContext, EngineContext } from '../context'
import { EngineError, notFound } from '../errors'
import { outsideOutbox, runLocalOnly } from '../sync-outbox'
import { workspaceId } from '../db/workspace-identity'
import { applyRowChanges, beginApplyingServerRows, dropReplicatedRows, endApplyingServerRows, isUniquenessViolation } from './apply-rows'
import type { CredentialStore } from './credentials'
import type { Connection } from './recording'
import { replaceWithSnapshot } from './apply-snapshot'
import { editedRecord, recordsFromInput } from './command-records'
import { NotAConsole, sameWorkspace, ServerClient, ServerUnavailable, type SendOutcome } from './server-client'

/** How often a connected desktop syncs on its own, and how soon after a change made here. */
export const SYNC_INTERVAL_MS = 15_000
const SOON_AFTER_CHANGE_MS = 250
const LONGEST_BACKOFF_MS = 5 * 60_000
const PAGE_SIZE = 10_000
const KEYS_PER_REQUEST = 2_000
/** Push-then-pull rounds in one sync: changes made meanwhile are pushed before the pull goes on. */
const ROUNDS = 4

const EVERY_AREA: Area[] = ['applications', 'policies', 'people', 'rules', 'metrics', 'compliance', 'attestations', 'audit']

export interface SyncOptions extends SyncTuning {
  credentials: CredentialStore
}

/** For tests and benchmarks: smaller pages. */
export interface SyncTuning {
  /** Changes asked for a page (10,000, the most the server answers, unless told). */
  pageSize?: number
}

export class SyncService implements Connection {
  private isConnected = false
  /** The server workspace this one's changes are for, kept through a disconnect. */
  private serverWorkspace: string | null = null
  private state: Exclude<SyncState, 'disconnected'> = 'offline'
  private progress: { done: number; total: number } | undefined
  private running: Promise<void> = Promise.resolve()
  private started = false
  private closed = false
  private interval: NodeJS.Timeout | undefined
  private soon: NodeJS.Timeout | undefined
  private backoffMs = 1_000
  /** The head last sent to the server (event id and hash), so an unchanged one is not sent again. */
  private reportedHead: string | undefined
  /** Cut on close, so a sync waiting on an unanswering server does not hold the engine open. */
  private readonly stopping = new AbortController()

  constructor(
    private readonly context: EngineContext,
    private readonly options: SyncOptions,
    /** The desktop's audit signing: the head it signed of the trail it pulled is sent to the server after each sync. */
    private readonly signing?: HeadSigning,
  ) {}

  /** Reads whether this workspace is connected, as it was left. */
  async load(): Promise<void> {
    const state = await this.context.db.selectFrom('sync_state').select(['server_url', 'server_workspace_id']).executeTakeFirst()
    this.serverWorkspace = state?.server_workspace_id ?? null
    this.setConnected(Boolean(state?.server_url))
  }

  recordsForServer(): boolean {
    return this.serverWorkspace !== null
  }

  nowIso(): string {
    return this.context.nowIso()
  }

  changedLocally(): void {
    if (!this.started || this.closed) return
    clearTimeout(this.soon)
    this.soon = setTimeout(() => this.syncInBackground(), SOON_AFTER_CHANGE_MS)
    this.soon.unref()
  }

  /** Syncs every 15 s while the engine's background work runs. */
  start(): void {
    this.started = true
    clearInterval(this.interval)
    this.interval = setInterval(() => this.syncInBackground(), SYNC_INTERVAL_MS)
    this.interval.unref()
    if (this.isConnected) this.syncInBackground()
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.interval)
    clearTimeout(this.soon)
    this.stopping.abort()
    await this.running
  }

  async status(): Promise<SyncStatus> {
    const { db } = this.context
    const state = await db.selectFrom('sync_state').selectAll().executeTakeFirstOrThrow()
    const outbox = await db.selectFrom('sync_outbox').selectAll().orderBy('position').execute()
    const problems: SyncProblem[] = outbox
      .filter((command) => command.state !== 'pending')
      .map((command) => {
        const conflict = command.conflict_json ? EditConflict.parse(JSON.parse(command.conflict_json)) : undefined
        return {
          command_id: command.command_id,
          procedure: command.procedure,
          summary: summarise(command.procedure, JSON.parse(command.input_json) as Record<string, unknown>, conflict),
          made_at: command.made_at,
          kind: command.state === 'conflict' ? 'conflict' : 'rejected',
          message: command.message ?? '',
          ...(conflict ? { conflict } : {}),
        }
      })
    return {
      state: state.server_url ? this.state : 'disconnected',
      ...(state.server_url ? { server_url: state.server_url } : {}),
      ...(this.progress && state.server_url ? { progress: this.progress } : {}),
      last_synced_at: state.last_synced_at,
      pending: outbox.length - problems.length,
      problems,
      ...(state.last_error && state.server_url ? { last_error: state.last_error } : {}),
    }
  }

  async connect(draft: ConnectDraft, ctx: CallContext): Promise<SyncStatus> {
    const { db } = this.context
    const state = await db.selectFrom('sync_state').selectAll().executeTakeFirstOrThrow()
    let serverWorkspace: string
    try {
      serverWorkspace = (await new ServerClient(draft.url, draft.token).changes('0', 1)).workspace_id
    } catch (error) {
      if (!(error instanceof ServerUnavailable)) throw error
      throw new EngineError('invalid_input', error.message, error instanceof NotAConsole || !/token/.test(error.message) ? 'url' : 'token')
    }
    const sameServer = state.server_workspace_id === serverWorkspace
    // Connected already: the same server may be given a new address or token, another may not.
    if (state.server_url && !sameServer) throw new EngineError('conflict', `This workspace is already connected to ${state.server_url}; disconnect it first`, 'url')
    const waiting = await db.selectFrom('sync_outbox').select('command_id').limit(1).executeTakeFirst()
    if (!sameServer && waiting) {
      throw new EngineError('conflict', 'Changes made here for the server this workspace was connected to are still waiting: connect it to that server again to send them', 'url')
    }
    if (!sameServer && (await holdsItsOwnWork(db))) {
      throw new EngineError(
        'conflict',
        'This workspace holds applications, policies or people of its own, and a connected workspace becomes a copy of its server’s: connect a new workspace, or bring these into the server first (govern import)',
        'url',
      )
    }
    const local = await workspaceId(db)
    await this.options.credentials.write(local, draft.token)
    await runLocalOnly(() =>
      this.context.mutate(['workspace'], async (tx) => {
        await tx
          .updateTable('sync_state')
          .set({ server_url: draft.url, server_workspace_id: serverWorkspace, cursor: sameServer ? state.cursor : '0', last_error: null })
          .execute()
        await recordAudit(tx, ctx.actor, this.context.nowIso(), { action: 'sync.connected', entityType: 'workspace', entityId: local, after: { server_url: draft.url, server_workspace_id: serverWorkspace } })
      }),
    )
    this.serverWorkspace = serverWorkspace
    // From now on this workspace's trail is the server's copy: only what it pulls is signed.
    this.signing?.copiesChainOf(serverWorkspace)
    this.setConnected(true)
    this.state = 'syncing'
    // The first pull runs on: the status shows its progress.
    this.syncInBackground()
    return this.status()
  }

  async disconnect(ctx: CallContext): Promise<SyncStatus> {
    const { db } = this.context
    const state = await db.selectFrom('sync_state').selectAll().executeTakeFirstOrThrow()
    if (!state.server_url) return this.status()
    const local = await workspaceId(db)
    await this.options.credentials.forget(local)
    await runLocalOnly(() =>
      this.context.mutate(['workspace'], async (tx) => {
        await tx.updateTable('sync_state').set({ server_url: null, last_error: null }).execute()
        await recordAudit(tx, ctx.actor, this.context.nowIso(), { action: 'sync.disconnected', entityType: 'workspace', entityId: local, before: { server_url: state.server_url } })
      }),
    )
    this.setConnected(false)
    await this.running
    return this.status()
  }

  /** Syncs now, and answers how it stands after. */
  async syncNow(): Promise<SyncStatus> {
    await this.sync()
    return this.status()
  }

  async resolve({ command_id, choice }: { command_id: string; choice: 'theirs' | 'mine' }, ctx: CallContext): Promise<SyncStatus> {
    const command = await this.context.db.selectFrom('sync_outbox').selectAll().where('command_id', '=', command_id).executeTakeFirst()
    if (!command || command.state === 'pending') throw notFound('sync problem', command_id, 'command_id')
    const input = JSON.parse(command.input_json) as Record<string, unknown>
    const conflict = command.conflict_json ? EditConflict.parse(JSON.parse(command.conflict_json)) : undefined
    // Mine: the same edit, made on the server's version now: an explicit choice to overwrite it.
    if (choice === 'mine' && conflict) input.base_version = currentVersionOf(conflict)
    await runLocalOnly(() =>
      this.context.mutate(['workspace'], async (tx) => {
        if (choice === 'theirs') await tx.deleteFrom('sync_outbox').where('command_id', '=', command_id).execute()
        else await tx.updateTable('sync_outbox').set({ state: 'pending', input_json: JSON.stringify(input), message: null, conflict_json: null }).where('command_id', '=', command_id).execute()
        await recordAudit(tx, ctx.actor, this.context.nowIso(), {
          action: 'sync.resolved',
          entityType: 'sync_command',
          entityId: command_id,
          before: { procedure: command.procedure, state: command.state, message: command.message },
          after: { choice },
        })
      }),
    )
    await this.sync()
    return this.status()
  }

  /** One sync at a time: a call while one runs waits for it, then runs its own. */
  sync(): Promise<void> {
    const run = this.running.then(() => outsideOutbox(() => this.syncOnce()))
    this.running = run.catch(() => undefined)
    return run
  }

  /** A sync nobody waits for: how it went is in the status (last_error), not a rejection no one handles. */
  private syncInBackground(): void {
    this.sync().catch(() => undefined)
  }

  private setConnected(connected: boolean): void {
    this.isConnected = connected
    this.context.replica = connected
  }

  private async syncOnce(): Promise<void> {
    if (!this.isConnected || this.closed) return
    const { db } = this.context
    const state = await db.selectFrom('sync_state').selectAll().executeTakeFirstOrThrow()
    if (!state.server_url || !state.server_workspace_id) return
    this.state = 'syncing'
    try {
      const token = await this.options.credentials.read(await workspaceId(db))
      if (!token) throw new ServerUnavailable('No token is kept for this workspace’s server: connect it again')
      const client = new ServerClient(state.server_url, token, this.stopping.signal)
      for (let round = 0; round < ROUNDS; round++) {
        await this.push(client)
        if (await this.pull(client, state.server_workspace_id)) break
      }
      await this.reportHead(client, state.server_workspace_id)
      this.state = 'online'
      this.backoffMs = 1_000
      await this.context.bookkeep((tx) => tx.updateTable('sync_state').set({ last_synced_at: this.context.nowIso(), last_error: null }).execute())
    } catch (error) {
      this.state = 'offline'
      const message = error instanceof Error ? error.message : String(error)
      await this.context.bookkeep((tx) => tx.updateTable('sync_state').set({ last_error: message }).execute()).catch(() => undefined)
      this.retryLater()
      if (!(error instanceof ServerUnavailable)) throw error
    } finally {
      this.progress = undefined
      this.context.announce(['workspace'])
    }
  }

  private retryLater(): void {
    if (!this.started || this.closed) return
    clearTimeout(this.soon)
    this.soon = setTimeout(() => this.syncInBackground(), this.backoffMs)
    this.soon.unref()
    this.backoffMs = Math.min(this.backoffMs * 2, LONGEST_BACKOFF_MS)
  }

  /** Sends the server the newest head of its trail this desktop signed, once each time it moves. */
  private async reportHead(client: ServerClient, serverWorkspace: string): Promise<void> {
    if (!this.signing) return
    const head = await this.context.db.selectFrom('audit_checkpoints').selectAll().where('chain', '=', serverWorkspace).where('public_key', '=', this.signing.signer.publicKey).executeTakeFirst()
    if (!head) return
    const checkpoint = { ...head, event_id: Number(head.event_id) }
    if (this.reportedHead === `${checkpoint.event_id}:${checkpoint.hash}`) return
    await client.reportHead(await workspaceId(this.context.db), checkpoint)
    this.reportedHead = `${checkpoint.event_id}:${checkpoint.hash}`
  }

  /** Sends pending commands oldest first; each refused one stays as a problem, and the rest go on. */
  private async push(client: ServerClient): Promise<void> {
    for (;;) {
      const command = await this.context.db.selectFrom('sync_outbox').selectAll().where('state', '=', 'pending').orderBy('position').limit(1).executeTakeFirst()
      if (!command || !this.isConnected) return
      const input = JSON.parse(command.input_json) as Record<string, unknown>
      const outcome = (await this.heldBehindRefusal(command.position, command.procedure, input)) ?? (await client.send(command.procedure, input, command.command_id))
      await this.context.bookkeep(async (tx) => {
        if (outcome.kind === 'applied') await tx.deleteFrom('sync_outbox').where('command_id', '=', command.command_id).execute()
        else {
          await tx
            .updateTable('sync_outbox')
            .set({ state: outcome.kind, message: outcome.message, conflict_json: outcome.kind === 'conflict' && outcome.conflict ? JSON.stringify(outcome.conflict) : null })
            .where('command_id', '=', command.command_id)
            .execute()
        }
      })
    }
  }

  /**
   * An edit made here after a change of the same record the server refused builds on a version
   * the server never had (the refused change counted it here): it is held as a conflict, not sent,
   * so it cannot land on the server's version unseen. Sending it anyway ('mine') gets the
   * server's answer with both sides. A policy is archived on the version held here, so its archive
   * waits too.
   */
  private async heldBehindRefusal(position: number, procedure: string, input: Record<string, unknown>): Promise<SendOutcome | undefined> {
    const edited = procedure === 'policies.archive' && typeof input.id === 'string' ? `policies:${input.id}` : editedRecord(procedure, input)
    if (!edited) return undefined
    const refused = await this.context.db
      .selectFrom('sync_outbox')
      .select(['procedure', 'input_json', 'records_json'])
      .where('state', '!=', 'pending')
      .where('position', '<', position)
      .execute()
    const sameRecord = refused.some((earlier) => {
      const records = earlier.records_json ? (JSON.parse(earlier.records_json) as string[]) : recordsFromInput(earlier.procedure, JSON.parse(earlier.input_json) as Record<string, unknown>)
      return records.includes(edited)
    })
    return sameRecord ? { kind: 'conflict', message: `Made on this desktop after a change of the same ${wordFor(edited)} the server refused: settle that one first` } : undefined
  }

  /**
   * A first pull takes the server's snapshot (from a server too old for one, the whole feed);
   * then, as every pull does, the feed from the cursor. Answers false when a change was made here
   * meanwhile (push it first).
   */
  private async pull(client: ServerClient, serverWorkspace: string): Promise<boolean> {
    const state = await this.context.db.selectFrom('sync_state').select('cursor').executeTakeFirstOrThrow()
    if (state.cursor !== '0') return this.pullFeed(client, serverWorkspace, false)
    const first = await this.pullSnapshot(client, serverWorkspace)
    if (first === 'pending') return false
    return this.pullFeed(client, serverWorkspace, first === 'unsupported')
  }

  /**
   * The server's rows as one consistent snapshot, applied in one transaction over whatever this
   * workspace held: all of it or, if the stream breaks off, none of it. 'unsupported' from a
   * server that has no snapshot.
   */
  private async pullSnapshot(client: ServerClient, serverWorkspace: string): Promise<'applied' | 'pending' | 'unsupported'> {
    if (await this.hasPending(this.context.db)) return 'pending'
    const lines = await client.snapshot()
    if (!lines) return 'unsupported'
    const showProgress = (done: number, total: number) => {
      this.progress = { done, total }
      this.context.announce(['workspace'])
    }
    try {
      return await this.context.mutate<'applied' | 'pending'>(
        (outcome) => (outcome === 'applied' ? EVERY_AREA : []),
        async (tx) => {
          if (await this.hasPending(tx)) return 'pending'
          await replaceWithSnapshot(tx, lines, serverWorkspace, showProgress)
          return 'applied'
        },
      )
    } finally {
      // Whatever became of it, the server may let go of its snapshot.
      await lines.return(undefined)
    }
  }

  private async hasPending(db: Db): Promise<boolean> {
    return Boolean(await db.selectFrom('sync_outbox').select('command_id').where('state', '=', 'pending').limit(1).executeTakeFirst())
  }

  /**
   * Sets every row changed here back to the server's version, then pulls the feed from the cursor,
   * a page a transaction; `clear` first drops the rows held here (a first pull without snapshot).
   * Answers false when a change was made here meanwhile (push it first).
   */
  private async pullFeed(client: ServerClient, serverWorkspace: string, clear: boolean): Promise<boolean> {
    const { db } = this.context
    const state = await db.selectFrom('sync_state').select('cursor').executeTakeFirstOrThrow()
    let cursor = state.cursor
    let batch: RowChange[] = []
    const touched = await this.touchedHere()
    for (let start = 0; start < touched.length; start += KEYS_PER_REQUEST) {
      const answer = await client.rows(touched.slice(start, start + KEYS_PER_REQUEST))
      sameWorkspace(answer.workspace_id, serverWorkspace)
      batch.push(...answer.rows)
    }
    let done = 0
    const pageSize = this.options.pageSize ?? PAGE_SIZE
    let asked = client.changes(cursor, pageSize)
    for (;;) {
      const page = await asked
      sameWorkspace(page.workspace_id, serverWorkspace)
      if (page.remaining > 0) {
        // The server reads the next page while this one is applied here.
        asked = client.changes(page.next, pageSize)
        // Left unread if this pull stops early: its failure then matters to no one.
        asked.catch(() => undefined)
      }
      batch.push(...page.changes)
      cursor = page.next
      this.progress = { done, total: done + batch.length + page.remaining }
      const outcome = await this.applyBatch(batch, cursor, clear)
      if (outcome === 'pending') return false
      if (outcome === 'applied') {
        done += batch.length
        batch = []
        clear = false
        this.progress = { done, total: done + page.remaining }
        // The status indicator follows the pull page by page.
        this.context.announce(['workspace'])
      } else if (page.remaining === 0) {
        throw new ServerUnavailable('The server’s rows name rows it has not sent yet; trying again shortly')
      }
      if (page.remaining === 0) return true
    }
  }

  /** Rows this desktop changed and has not settled with the server; its own audit events (ids below zero) excepted. */
  private async touchedHere(): Promise<RowKey[]> {
    const entries = await this.context.db.selectFrom('row_changes').select(['table_name', 'row_key']).orderBy('seq').execute()
    return entries
      .map((entry) => ({ table: entry.table_name, key: JSON.parse(entry.row_key) as Array<string | number> }))
      .filter((key) => !(key.table === 'audit_events' && Number(key.key[0]) < 0))
  }

  /** Applies rows in one transaction; 'needs-more' when they need rows still to come. */
  private async applyBatch(batch: readonly RowChange[], cursor: string, clear: boolean): Promise<'applied' | 'pending' | 'needs-more'> {
    try {
      return await this.context.mutate<'applied' | 'pending'>(
        (outcome) => (outcome === 'applied' && batch.length > 0 ? EVERY_AREA : []),
        async (tx) => {
          if (await this.hasPending(tx)) return 'pending'
          await beginApplyingServerRows(tx)
          if (clear) await dropReplicatedRows(tx)
          await applyRowChanges(tx, batch)
          // Every row this desktop changed is now as the server has it (pulled rows record nothing here).
          await tx.deleteFrom('row_changes').execute()
          await endApplyingServerRows(tx)
          await tx.updateTable('sync_state').set({ cursor }).execute()
          return 'applied'
        },
      )
    } catch (error) {
      // A row names one still to come, or holds a name another row here has yet to give up.
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || isUniquenessViolation(error)) return 'needs-more'
      throw error
    }
  }
}

/** Whether anything here was made by someone (not only what every new workspace holds), which a first pull would replace. */
async function holdsItsOwnWork(db: Db): Promise<boolean> {
  if ((await countApplications(db, { includeRetired: true })) > 0) return true
  const policy = await db.selectFrom('policies').select('id').limit(1).executeTakeFirst()
  const group = await db.selectFrom('groups').select('id').limit(1).executeTakeFirst()
  const person = await db.selectFrom('users').select('id').where('id', '!=', OWNER_USER_ID).limit(1).executeTakeFirst()
  return Boolean(policy ?? group ?? person)
}

const VERBS: Record<string, string> = {
  'applications.create': 'Add application',
  'applications.update': 'Edit application',
  'applications.retire': 'Retire application',
  'applications.reinstate': 'Reinstate application',
  'applications.deleteRule': 'Delete an alert rule of application',
  'applications.restoreRules': 'Restore alert rules of application',
  'users.create': 'Add person',
  'users.update': 'Edit person',
  'users.deactivate': 'Deactivate person',
  'users.reactivate': 'Reactivate person',
  'groups.create': 'Add group',
  'groups.update': 'Edit group',
  'alertRules.create': 'Add alert rule',
  'attestationRules.create': 'Add attestation rule',
  'policies.create': 'Create policy',
  'policies.createFromTemplate': 'Create policy',
  'policies.update': 'Edit policy',
  'policies.archive': 'Archive policy',
  'metrics.ingest': 'Send monitoring data for',
  'inferences.import': 'Import inference events for',
  'attestations.submit': 'Attest policy',
}

/**
 * A problem in words. An edit sends only what changed, so its record is named as the server now
 * calls it, where the conflict says; a stale edit of a record other than a policy is named by it.
 */
function summarise(procedure: string, input: Record<string, unknown>, conflict?: EditConflict): string {
  if (conflict && conflict.kind !== 'policy') return `${conflict.change === 'delete' ? 'Delete' : 'Edit'} ${RECORD_WORDS[conflict.kind]} ${conflict.record_name}`
  const knownName = conflict?.current.definition.name
  const what = typeof input.name === 'string' ? input.name : (knownName ?? (typeof input.id === 'string' ? input.id : ''))
  return `${VERBS[procedure] ?? procedure} ${what}`.trim()
}

const TABLE_WORDS: Record<string, string> = { policies: 'policy', applications: 'application', users: 'person', groups: 'group', application_rules: 'alert rule' }

/** "application" for "applications:app_1". */
function wordFor(record: string): string {
  return TABLE_WORDS[record.split(':')[0]!] ?? 'record'
}
