/** Row types of the workspace database, as kysely sees them. Timestamps are ISO strings in UTC. */
import type { Generated, Kysely, Transaction } from 'kysely'

export interface ApplicationsTable {
  id: string
  name: string
  team: string | null
  environment: string | null
  created_at: string
  updated_at: string
}

export interface ApplicationTagsTable {
  application_id: string
  tag: string
}

export interface AuditEventsTable {
  id: Generated<number>
  at: string
  actor_id: string
  actor_name: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
}

export interface ApiTokensTable {
  id: string
  name: string
  role: string
  token_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface Database {
  applications: ApplicationsTable
  application_tags: ApplicationTagsTable
  audit_events: AuditEventsTable
  api_tokens: ApiTokensTable
}

export type Db = Kysely<Database>
/** A handle that is inside a transaction: only mutations receive one. */
export type Tx = Transaction<Database>
