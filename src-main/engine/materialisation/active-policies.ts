/** The facts materialisation works from: published, live policies and the applications they may cover. */
import type { Requirement } from '../../../src-shared/domain/policy'
import { chunks } from '../batch'
import type { Db } from '../db/schema'
import { requirementFromRow } from '../db/rows'

export interface ActivePolicy {
  id: string
  name: string
  version: number
  enforcementDelayDays: number
  autoRestore: boolean
  applyToAll: boolean
  /** Applications created at or after this moment are covered automatically (auto-apply). */
  autoApplySince: string | null
  tags: ReadonlySet<string>
  applicationIds: ReadonlySet<string>
  requirements: readonly Requirement[]
}

export interface ApplicationFacts {
  id: string
  name: string
  tags: readonly string[]
  created_at: string
  /** A retired application is in no policy's scope. */
  retired: boolean
}

export type ScopeFacts = Pick<ActivePolicy, 'applyToAll' | 'autoApplySince' | 'tags' | 'applicationIds'>

export function inScope(policy: ScopeFacts, app: ApplicationFacts): boolean {
  if (app.retired) return false
  return (
    policy.applyToAll ||
    policy.applicationIds.has(app.id) ||
    app.tags.some((tag) => policy.tags.has(tag)) ||
    (policy.autoApplySince !== null && app.created_at >= policy.autoApplySince)
  )
}

export async function loadActivePolicies(db: Db): Promise<ActivePolicy[]> {
  const rows = await db.selectFrom('policies').selectAll().where('status', '=', 'published').where('archived_at', 'is', null).execute()
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [requirements, tags, applications] = await Promise.all([
    db.selectFrom('policy_requirements').selectAll().where('policy_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('policy_scope_tags').selectAll().where('policy_id', 'in', ids).execute(),
    db.selectFrom('policy_scope_applications').selectAll().where('policy_id', 'in', ids).execute(),
  ])
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    version: row.version,
    enforcementDelayDays: row.enforcement_delay_days,
    autoRestore: row.auto_restore === 1,
    applyToAll: row.apply_to_all === 1,
    autoApplySince: row.auto_apply === 1 ? row.auto_apply_since : null,
    tags: new Set(tags.filter((t) => t.policy_id === row.id).map((t) => t.tag)),
    applicationIds: new Set(applications.filter((a) => a.policy_id === row.id).map((a) => a.application_id)),
    requirements: requirements.filter((r) => r.policy_id === row.id).map(requirementFromRow),
  }))
}

/** Applications with their tags; all of them, or those with the given ids. */
export async function loadApplicationFacts(db: Db, ids?: readonly string[]): Promise<ApplicationFacts[]> {
  const slices = ids ? chunks(ids, 5000) : [undefined]
  const facts: ApplicationFacts[] = []
  for (const slice of slices) {
    if (slice && slice.length === 0) continue
    let apps = db.selectFrom('applications').select(['id', 'name', 'created_at', 'retired_at'])
    let tags = db.selectFrom('application_tags').select(['application_id', 'tag'])
    if (slice) {
      apps = apps.where('id', 'in', slice)
      tags = tags.where('application_id', 'in', slice)
    }
    const [appRows, tagRows] = await Promise.all([apps.orderBy('id').execute(), tags.execute()])
    const tagsByApp = new Map<string, string[]>()
    for (const row of tagRows) {
      const list = tagsByApp.get(row.application_id)
      if (list) list.push(row.tag)
      else tagsByApp.set(row.application_id, [row.tag])
    }
    for (const { retired_at, ...app } of appRows) facts.push({ ...app, retired: retired_at !== null, tags: tagsByApp.get(app.id) ?? [] })
  }
  return facts
}
