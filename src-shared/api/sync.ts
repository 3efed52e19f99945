/**
 * Sync. The server answers the change feed; a desktop workspace connects to a server, and says
 * how its sync stands. Pushing a desktop's changes needs no procedure of its own: each is sent
 * as the call it was, with its command id as the Idempotency-Key, so it is applied once.
 * Pulling is taking a copy of the whole workspace, so the feed, rows by key and the snapshot are
 * exports: a desktop connects with a token whose role may export.
 */
import { z } from 'zod'
import { SignedCheckpoint } from '../domain/audit'
import { ChangePage, ConnectDraft, RowKey, RowsAnswer, SyncCursor, SyncStatus } from '../domain/sync'
import type { Access } from './procedure'
import { procedure } from './procedure'

export const syncApi = {
  'sync.changes': procedure({
    summary: 'The rows changed since a cursor, oldest change first, each as it now stands (or deleted): what a connected desktop pulls.',
    access: 'export',
    input: z.strictObject({
      after: SyncCursor.default('0'),
      limit: z.coerce.number().int().min(1).max(10_000).default(2_000),
    }),
    output: ChangePage,
    rest: { method: 'GET', path: '/sync/changes' },
  }),
  'sync.rows': procedure({
    summary: 'Rows as they now stand, by key: what a desktop asks for to undo its own changes the server did not take.',
    access: 'export',
    input: z.strictObject({ keys: z.array(RowKey).max(2_000) }),
    output: RowsAnswer,
    rest: { method: 'POST', path: '/sync/rows' },
  }),
  'sync.head': procedure({
    summary:
      'Keep a connected desktop’s newest signed head of the audit trail it pulled from here: refused unless it is an event of this server’s trail with that hash, and refused if it goes back behind a head the desktop sent before.',
    access: 'read',
    input: z.strictObject({
      /** The desktop workspace's own id (ws_…), under which its heads are kept. */
      desktop_workspace_id: z.string().min(1).max(100),
      checkpoint: SignedCheckpoint,
    }),
    output: z.object({ desktop_workspace_id: z.string(), event_id: z.number().int(), at: z.string(), fingerprint: z.string() }),
    rest: { method: 'POST', path: '/sync/heads' },
  }),
  'sync.status': procedure({
    summary: 'How this workspace’s sync with its server stands: online or not, progress, last synced, pending changes and problems.',
    access: 'read',
    input: z.strictObject({}),
    output: SyncStatus,
  }),
  'sync.connect': procedure({
    summary: 'Connect this workspace to a server: its changes are then pushed there, and the server’s pulled here.',
    access: 'administer',
    input: ConnectDraft,
    output: SyncStatus,
  }),
  'sync.disconnect': procedure({
    summary: 'Stop syncing this workspace; its rows and any unsent changes stay here, and the token is forgotten.',
    access: 'administer',
    input: z.strictObject({}),
    output: SyncStatus,
  }),
  'sync.now': procedure({
    summary: 'Push pending changes and pull the server’s now, rather than at the next interval.',
    access: 'read',
    input: z.strictObject({}),
    output: SyncStatus,
  }),
  'sync.resolve': procedure({
    summary: 'Settle a change the server refused: keep the server’s version (drop the change), or send this desktop’s again over it.',
    access: 'manage',
    input: z.strictObject({ command_id: z.string().min(1), choice: z.enum(['theirs', 'mine']) }),
    output: SyncStatus,
  }),
}

/**
 * A desktop's first pull, every replicated row in one consistent read: a stream of JSON lines
 * (SnapshotHeader, then SnapshotTable and row lines, then SnapshotEnd; see domain/sync.ts), not
 * one JSON answer, so it is no procedure. The server routes it by hand with the same token and
 * access as sync.changes, and the OpenAPI document describes it beside the contract's routes.
 */
export const SYNC_SNAPSHOT_ROUTE = {
  operationId: 'sync.snapshot',
  method: 'GET',
  path: '/sync/snapshot',
  access: 'export' satisfies Access,
  contentType: 'application/x-ndjson',
  summary: 'Every replicated row in one consistent snapshot, with the change-feed cursor it stands at, streamed as JSON lines: what a new desktop pulls first.',
} as const
