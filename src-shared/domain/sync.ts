/**
 * Sync between a desktop workspace and the organisation's server. In a connected workspace the
 * server is authoritative: the desktop's changes wait in its outbox as commands until the server
 * has applied them, and the desktop replicates the server's rows through a change feed.
 */
import { z } from 'zod'
import { Timestamp } from './common'
import { EditConflict } from './conflicts'

/** Where the change feed has been read up to: opaque to clients, compared only by the server. */
export const SyncCursor = z.string().regex(/^[0-9]+$/, 'must be a cursor from an earlier answer')

/** A row's primary key: its table, and the key's column values in the key's order. */
export const RowKey = z.object({
  table: z.string(),
  key: z.array(z.union([z.string(), z.number()])),
})
export type RowKey = z.infer<typeof RowKey>

/**
 * One row as it now stands on the server, or `row: null` where it has been deleted. Column values
 * are as stored: text, numbers, null; bytes (a metric bucket's latency sketch) are sent as
 * `{ "$base64": "…" }`, the only object a row's column ever holds.
 */
export const RowChange = RowKey.extend({
  // Columns by name: an object of any values, written so rather than as a record, which zod
  // checks key by key at three times the cost, over pages of 10,000 rows on both sides.
  row: z.object({}).catchall(z.unknown()).nullable(),
})
export type RowChange = z.infer<typeof RowChange>

/** Rows asked for by key (see sync.rows): each as it stands, null where the server has none. */
export const RowsAnswer = z.object({
  workspace_id: z.string(),
  rows: z.array(RowChange),
})
export type RowsAnswer = z.infer<typeof RowsAnswer>

export const ChangePage = z.object({
  /** The server workspace's id: a desktop refuses to mix in another workspace's rows. */
  workspace_id: z.string(),
  changes: z.array(RowChange),
  /** The cursor to ask from next. */
  next: SyncCursor,
  /**
   * Changes still to read after this page, for a progress bar: exact below 10,000, estimated above
   * (a page's worth of reading per page, not a count of millions). Zero exactly when none remain.
   */
  remaining: z.number().int().nonnegative(),
})
export type ChangePage = z.infer<typeof ChangePage>

export const SyncState = z.enum(['disconnected', 'online', 'offline', 'syncing'])
export type SyncState = z.infer<typeof SyncState>

/** A change made on this desktop that the server refused: a stale edit (of a policy, an application, a person, a group or a rule), or one it would not accept. */
export const SyncProblem = z.object({
  command_id: z.string(),
  procedure: z.string(),
  /** What the change was, in words: "Edit policy Fairness baseline". */
  summary: z.string(),
  made_at: Timestamp,
  kind: z.enum(['conflict', 'rejected']),
  /** Why the server refused it, as it said. */
  message: z.string(),
  /** For a stale edit: both sides, to choose from (see EditConflict). */
  conflict: EditConflict.optional(),
})
export type SyncProblem = z.infer<typeof SyncProblem>

export const SyncStatus = z.object({
  state: SyncState,
  /** The server this workspace is connected to; absent when it is not. */
  server_url: z.string().optional(),
  /** While a pull runs: rows applied and rows known to remain. */
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).optional(),
  last_synced_at: Timestamp.nullable(),
  /** Changes made here that the server has not yet applied. */
  pending: z.number().int().nonnegative(),
  problems: z.array(SyncProblem),
  /** Why the last attempt to reach the server failed, when it did. */
  last_error: z.string().optional(),
})
export type SyncStatus = z.infer<typeof SyncStatus>

export const ConnectDraft = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be the server’s address, such as https://governance.example.org' }),
  token: z.string().trim().min(1, 'An API token from the server is needed (govern token create on the server)'),
})
export type ConnectDraft = z.infer<typeof ConnectDraft>

/**
 * A desktop's first pull: every replicated row in one consistent read of the server, streamed as
 * JSON lines (application/x-ndjson). First this header; then, table by table, a SnapshotTable line
 * followed by lines that are each a JSON array of rows, a row being an array of values in the
 * table's column order (bytes as `{ "$base64": "…" }`, as in RowChange); last, SnapshotEnd. A
 * stream without its end, or whose counts disagree, was cut off and is refused whole.
 */
export const SnapshotHeader = z.object({
  workspace_id: z.string(),
  /** The feed's cursor as of the snapshot: the changes after it are the ones the snapshot lacks. */
  cursor: SyncCursor,
  /** Rows each table holds in the snapshot, for the progress bar and to check the stream. */
  tables: z.record(z.string(), z.number().int().nonnegative()),
})
export type SnapshotHeader = z.infer<typeof SnapshotHeader>

export const SnapshotTable = z.object({
  table: z.string(),
  columns: z.array(z.string()).min(1),
})
export type SnapshotTable = z.infer<typeof SnapshotTable>

export const SnapshotEnd = z.object({
  /** Every row the stream carried, over all tables. */
  end: z.literal(true),
  rows: z.number().int().nonnegative(),
})
export type SnapshotEnd = z.infer<typeof SnapshotEnd>
