/** The application inventory: the AI applications that policies govern. */
import { type ExpressionBuilder, sql } from 'kysely'
import type { z } from 'zod'
import type { Application, ApplicationDraft, ApplicationListFilter, ApplicationPatch } from '../../../src-shared/domain/application'
import { recordAudit } from '../audit-trail'
import { chunks } from '../batch'
import type { CallContext } from '../context'
import { jsonArrayOf } from '../db/dialect-sql'
import type { Database, Db, Tx } from '../db/schema'
import { EngineError, notFound } from '../errors'
import { newId } from '../ids'
import { fieldChanges, isStale, staleEdit, type VersionedRecord } from '../record-versions'

type Draft = z.output<typeof ApplicationDraft>
type Patch = z.output<typeof ApplicationPatch>
/** Active applications unless `status` says otherwise. */
type Filter = Partial<z.output<typeof ApplicationListFilter>>

function tagsOf(db: Db, eb: ExpressionBuilder<Database, 'applications'>) {
  return eb
    .selectFrom('application_tags')
    .select(jsonArrayOf(db, 'tag').as('tags'))
    .whereRef('application_tags.application_id', '=', 'applications.id')
    .as('tags_json')
}

/** The applications a filter selects; given `ids`, only among those. */
export async function listApplications(db: Db, filter: Filter = {}, ids?: readonly string[]): Promise<Application[]> {
  if (ids && ids.length > 5000) {
    const found: Application[] = []
    for (const slice of chunks(ids, 5000)) found.push(...(await listApplications(db, filter, slice)))
    return found.sort(byListOrder)
  }
  let query = db.selectFrom('applications').selectAll('applications').select((eb) => tagsOf(db, eb))
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  if (filter.status === 'retired') query = query.where('retired_at', 'is not', null)
  else if (filter.status !== 'all') query = query.where('retired_at', 'is', null)
  if (filter.search) {
    // Case-insensitive on either database: both lower-case ASCII alone, as the C locale does.
    const pattern = `%${asciiLower(filter.search.replace(/[\\%_]/g, (c) => `\\${c}`))}%`
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', sql`${pattern} ESCAPE '\\'`),
        eb(sql`lower(id)`, 'like', sql`${pattern} ESCAPE '\\'`),
        eb(sql`lower(team)`, 'like', sql`${pattern} ESCAPE '\\'`),
      ]),
    )
  }
  if (filter.tag) {
    const tag = filter.tag
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('application_tags')
          .select('application_tags.tag')
          .whereRef('application_tags.application_id', '=', 'applications.id')
          .where('application_tags.tag', '=', tag),
      ),
    )
  }
  if (filter.team) query = query.where(sql`lower(team)`, '=', filter.team.toLowerCase())
  if (filter.environment) query = query.where('environment', '=', filter.environment)
  const rows = await query.orderBy(sql`lower(name)`).orderBy('id').execute()
  return rows.map(toApplication)
}

export async function findApplication(db: Db, id: string): Promise<Application | undefined> {
  const row = await db.selectFrom('applications').selectAll('applications').select((eb) => tagsOf(db, eb)).where('id', '=', id).executeTakeFirst()
  return row ? toApplication(row) : undefined
}

export async function getApplication(db: Db, id: string): Promise<Application> {
  const application = await findApplication(db, id)
  if (!application) throw notFound('application', id)
  return application
}

/**
 * Names are unique among the applications of one environment (those without one count as one
 * environment), compared as policy names are: in NFC and lower case, here rather than in SQL, as
 * SQLite's lower() folds only ASCII. Checked in the writing transaction rather than by a unique
 * index, which a workspace written before this check, holding two alike, could not take: it
 * opens as it is and keeps them until one is renamed.
 */
export async function assertApplicationNameFree(db: Db, name: string, environment: string | null, exceptId?: string): Promise<void> {
  const folded = fold(name)
  const place = environment === null ? null : fold(environment)
  // A retired application's name is free, as an archived policy's is.
  const candidates = await db.selectFrom('applications').select(['id', 'name', 'environment']).where('retired_at', 'is', null).execute()
  const taken = candidates.find((row) => row.id !== exceptId && fold(row.name) === folded && (row.environment === null ? null : fold(row.environment)) === place)
  if (taken) {
    const where = environment === null ? 'without an environment' : `in ${environment}`
    throw new EngineError('conflict', `An application named "${taken.name}" already exists ${where} (${taken.id}); names are unique within an environment`, 'name')
  }
}

function fold(text: string): string {
  return text.normalize('NFC').toLowerCase()
}

/** Adds an application in the caller's transaction; covering it with policies is the caller's next step. */
export async function insertApplication(tx: Tx, now: string, ctx: CallContext, draft: Draft): Promise<Application> {
  const id = draft.id ?? newId('app')
  if (draft.id && (await findApplication(tx, draft.id))) {
    throw new EngineError('conflict', `An application with id ${draft.id} already exists`, 'id')
  }
  await assertApplicationNameFree(tx, draft.name, draft.environment)
  await tx
    .insertInto('applications')
    .values({ id, name: draft.name, team: draft.team, environment: draft.environment, created_at: now, updated_at: now, retired_at: null })
    .execute()
  await writeTags(tx, id, draft.tags)
  const created = await getApplication(tx, id)
  await recordAudit(tx, ctx.actor, now, {
    action: 'application.created',
    entityType: 'application',
    entityId: id,
    after: created,
  })
  return created
}

/** An application as a stale edit is judged against (record-versions.ts). */
export function versionedApplication(application: Application): VersionedRecord {
  const { name, tags, team, environment, retired_at } = application
  return {
    kind: 'application',
    id: application.id,
    name,
    version: application.version,
    updated_at: application.updated_at,
    fields: { name, tags, team, environment, retired_at },
    trail: { entityType: 'application', entityId: application.id, actionPrefix: 'application' },
  }
}

/**
 * Changes an application in the caller's transaction. Says whether its tags changed, since tags
 * decide which tag-scoped policies cover it. An edit made on a version it has moved past is
 * refused as a conflict, unless the application already holds what it sets.
 */
export async function changeApplication(tx: Tx, now: string, ctx: CallContext, patch: Patch): Promise<{ application: Application; tagsChanged: boolean }> {
  const before = await getApplication(tx, patch.id)
  const { id, base_version, tags, ...fields } = patch
  const record = versionedApplication(before)
  const changes = fieldChanges(record.fields, { ...fields, tags })
  if (isStale(record, base_version)) {
    if (changes.length === 0) return { application: before, tagsChanged: false }
    throw await staleEdit(tx, record, base_version!, 'edit', changes)
  }
  if (before.retired_at) throw new EngineError('conflict', `Application ${patch.id} is retired; reinstate it before changing it`, 'id')
  if (changes.length === 0) return { application: before, tagsChanged: false }
  const changed = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
  const tagsChanged = changes.some((change) => change.path === 'tags')
  const name = patch.name ?? before.name
  const environment = patch.environment !== undefined ? patch.environment : before.environment
  // Only a rename or a move is checked: a workspace holding two alike from before keeps both editable.
  if (name !== before.name || environment !== before.environment) await assertApplicationNameFree(tx, name, environment, id)

  await tx
    .updateTable('applications')
    .set({ ...changed, updated_at: now, version: before.version + 1 })
    .where('id', '=', id)
    .execute()
  if (tagsChanged && tags) {
    await tx.deleteFrom('application_tags').where('application_id', '=', id).execute()
    await writeTags(tx, id, tags)
  }
  const after = await getApplication(tx, id)
  await recordAudit(tx, ctx.actor, now, { action: 'application.updated', entityType: 'application', entityId: id, before, after })
  return { application: after, tagsChanged }
}

/** Active applications, or (`includeRetired`) every application the workspace has ever held. */
export async function countApplications(db: Db, { includeRetired = false } = {}): Promise<number> {
  let query = db.selectFrom('applications').select((eb) => eb.fn.countAll<number>().as('n'))
  if (!includeRetired) query = query.where('retired_at', 'is', null)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Marks an application retired at `now`, in the caller's transaction; what else retiring does
 * (coverage, rules, compliance) is the caller's to run. The retirement is kept with its end, so
 * the past can be read as it was.
 */
export async function markRetired(tx: Tx, now: string, id: string, coverage: ReadonlyArray<{ policy_id: string; applied_at: string }>): Promise<void> {
  await tx
    .updateTable('applications')
    .set((eb) => ({ retired_at: now, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute()
  await tx.insertInto('application_retirements').values({ application_id: id, retired_at: now, reinstated_at: null, coverage_json: JSON.stringify(coverage) }).execute()
}

/** Ends an application's retirement at `now`; answers the coverage it had when it retired. */
export async function markReinstated(tx: Tx, now: string, id: string): Promise<Array<{ policy_id: string; applied_at: string }>> {
  await tx
    .updateTable('applications')
    .set((eb) => ({ retired_at: null, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute()
  const open = await tx.selectFrom('application_retirements').select(['id', 'coverage_json']).where('application_id', '=', id).where('reinstated_at', 'is', null).executeTakeFirst()
  if (!open) return []
  await tx.updateTable('application_retirements').set({ reinstated_at: now }).where('id', '=', open.id).execute()
  return JSON.parse(open.coverage_json) as Array<{ policy_id: string; applied_at: string }>
}

async function writeTags(tx: Tx, applicationId: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return
  await tx
    .insertInto('application_tags')
    .values(tags.map((tag) => ({ application_id: applicationId, tag })))
    .execute()
}

/** lower() as both databases fold text: ASCII letters only. */
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase())

/** The order lists come in: lower(name), then id. */
function byListOrder(a: Application, b: Application): number {
  const [x, y] = [asciiLower(a.name), asciiLower(b.name)]
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function toApplication(row: {
  id: string
  name: string
  team: string | null
  environment: string | null
  created_at: string
  updated_at: string
  retired_at: string | null
  version: number
  tags_json: string | null
}): Application {
  return {
    id: row.id,
    name: row.name,
    tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
    team: row.team,
    environment: row.environment,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retired_at: row.retired_at,
    version: row.version,
  }
}
