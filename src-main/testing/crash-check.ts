/**
 * What a workspace must hold after its writers were killed: every write they were told succeeded,
 * whole, and of the writes in flight each wholly there or wholly absent. The model grows run by
 * run from the writers' journals and is compared with the whole file, table by table, so a row
 * without its audit event or a batch without its buckets shows up as a difference.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { AUDIT_CHAIN_COLUMNS, checkAuditChain, type ChainedEventRow } from '../engine/audit/audit-chain'
import type { CrashWrite, JournalEntry } from './crash-journal'

const HOUR_MS = 3_600_000

interface ModelApplication {
  name: string
  tags: string[]
  updates: number
}

interface ModelPolicy {
  name: string
  version: number
  /** Thresholds the writers set, by metric; the others are the template's and not modelled. */
  thresholds: Map<string, number>
  /** The scope's tags once a writer set them. */
  tags?: string[]
}

interface Bucket {
  n: number
  total: number
  sum: number
}

const sorted = (values: Iterable<string>) => [...values].sort()
const show = (value: unknown) => JSON.stringify(value)

export class WorkspaceModel {
  private readonly applications = new Map<string, ModelApplication>()
  private readonly policies = new Map<string, ModelPolicy>()
  private readonly batches = new Set<string>()
  private readonly observationKeys = new Set<string>()
  private readonly buckets = new Map<string, Bucket>()
  /** Writes a kill caught unanswered: found committed, or found absent. */
  private readonly unanswered = { committed: 0, absent: 0 }

  /**
   * Adds one killed writer's writes to the model, in the order it made them, and says which
   * acknowledged writes are missing and which failed writes left something behind.
   */
  settle(db: BetterSqlite3.Database, entries: readonly JournalEntry[]): string[] {
    const problems: string[] = []
    for (const entry of entries) {
      const present = this.isPresent(db, entry)
      if (present === undefined) continue
      if (entry.outcome === 'acknowledged' && !present) problems.push(`acknowledged write ${entry.seq} is missing: ${describe(entry.write)}`)
      if (entry.outcome === 'failed' && present) problems.push(`write ${entry.seq} answered ${show(entry.error)} yet is in the file: ${describe(entry.write)}`)
      if (entry.outcome === 'in flight') this.unanswered[present ? 'committed' : 'absent']++
      if (present) this.apply(db, entry)
    }
    return problems
  }

  /** Whether the write's mark is in the file: the row only it writes. Undefined for writes that leave no mark of their own. */
  private isPresent(db: BetterSqlite3.Database, { write, answer }: JournalEntry): boolean | undefined {
    const exists = (query: string, ...params: unknown[]) => db.prepare(query).get(...params) !== undefined
    switch (write.kind) {
      case 'createApplication':
        return exists('SELECT 1 FROM applications WHERE id = ?', write.id)
      case 'updateApplication':
        return exists("SELECT 1 FROM audit_events WHERE action = 'application.updated' AND entity_id = ? AND json_extract(after_json, '$.name') = ?", write.id, write.name)
      case 'ingest':
        return exists('SELECT 1 FROM metric_batches WHERE application_id = ? AND batch_id = ?', write.application, write.batch)
      case 'import':
        return exists('SELECT 1 FROM metric_batches WHERE application_id = ? AND batch_id = ?', write.application, write.batch)
      case 'createPolicy':
        // Acknowledged, it is the policy the writer was told of; in flight, whichever has its name.
        return answer?.policy ? exists('SELECT 1 FROM policies WHERE id = ? AND name = ?', answer.policy, write.name) : exists('SELECT 1 FROM policies WHERE name = ?', write.name)
      case 'updatePolicy':
        return exists('SELECT 1 FROM policy_versions WHERE policy_id = ? AND version = ?', write.id, write.version)
      case 'evaluate':
        return undefined
    }
  }

  private apply(db: BetterSqlite3.Database, { write, answer }: JournalEntry): void {
    switch (write.kind) {
      case 'createApplication':
        this.applications.set(write.id, { name: write.name, tags: sorted(write.tags), updates: 0 })
        return
      case 'updateApplication': {
        const app = this.applications.get(write.id)!
        app.name = write.name
        if (write.tags) app.tags = sorted(write.tags)
        app.updates++
        return
      }
      case 'ingest':
        this.batches.add(`${write.application} ${write.batch}`)
        for (const observation of write.observations) {
          const hour = Math.floor(Date.parse(observation.timestamp) / HOUR_MS)
          if ('total' in observation) this.addTo(write.application, observation.metric, hour, observation.count, observation.total, 0)
          else this.addTo(write.application, 'throughput_drop', hour, observation.count, 0, 0)
          if (observation.id !== undefined) this.observationKeys.add(`${write.application} ${observation.id}`)
        }
        return
      case 'import':
        this.batches.add(`${write.application} ${write.batch}`)
        for (const line of write.content.split('\n')) {
          if (line === '') continue
          const event = JSON.parse(line) as { timestamp: string; pii?: boolean; error?: boolean; latency_ms?: number }
          const hour = Math.floor(Date.parse(event.timestamp) / HOUR_MS)
          this.addTo(write.application, 'throughput_drop', hour, 1, 0, 0)
          if (event.pii !== undefined) this.addTo(write.application, 'pii', hour, event.pii ? 1 : 0, 1, 0)
          if (event.error !== undefined) this.addTo(write.application, 'error_rate', hour, event.error ? 1 : 0, 1, 0)
          if (event.latency_ms !== undefined) this.addTo(write.application, 'latency_p95', hour, 1, 0, event.latency_ms)
        }
        return
      case 'createPolicy': {
        const id = answer?.policy ?? (db.prepare('SELECT id FROM policies WHERE name = ?').get(write.name) as { id: string }).id
        this.policies.set(id, { name: write.name, version: 1, thresholds: new Map() })
        return
      }
      case 'updatePolicy': {
        const policy = this.policies.get(write.id)!
        policy.version = write.version
        policy.thresholds.set(write.metric, write.threshold)
        if (write.tags) policy.tags = sorted(write.tags)
        return
      }
      case 'evaluate':
        return
    }
  }

  private addTo(application: string, metric: string, hour: number, n: number, total: number, sum: number): void {
    const key = `${application} ${metric} ${hour}`
    const bucket = this.buckets.get(key) ?? { n: 0, total: 0, sum: 0 }
    bucket.n += n
    bucket.total += total
    bucket.sum += sum
    this.buckets.set(key, bucket)
  }

  /** Where the file differs from the model: the whole of every table the writes touch. */
  differences(db: BetterSqlite3.Database): string[] {
    return [...this.applicationDifferences(db), ...this.metricDifferences(db), ...this.policyDifferences(db)]
  }

  private applicationDifferences(db: BetterSqlite3.Database): string[] {
    const problems: string[] = []
    const rows = db.prepare('SELECT id, name FROM applications').all() as Array<{ id: string; name: string }>
    const tags = groupRows(db.prepare('SELECT application_id AS key, tag AS value FROM application_tags').all() as KeyValue[])
    const audits = countRows(db, "SELECT entity_id || ' ' || action AS key, count(*) AS n FROM audit_events WHERE action IN ('application.created', 'application.updated') GROUP BY entity_id, action")
    for (const row of rows) {
      const app = this.applications.get(row.id)
      if (!app) {
        problems.push(`application ${row.id} is in the file, but no write that is there created it`)
        continue
      }
      if (row.name !== app.name) problems.push(`application ${row.id} is named ${show(row.name)}, not ${show(app.name)}`)
      if (show(sorted(tags.get(row.id) ?? [])) !== show(app.tags)) problems.push(`application ${row.id} has tags ${show(tags.get(row.id) ?? [])}, not ${show(app.tags)}`)
    }
    for (const id of this.applications.keys()) if (!rows.some((row) => row.id === id)) problems.push(`application ${id} is missing`)
    const expected = new Map<string, number>()
    for (const [id, app] of this.applications) {
      expected.set(`${id} application.created`, 1)
      if (app.updates > 0) expected.set(`${id} application.updated`, app.updates)
    }
    return [...problems, ...countDifferences('audit events', expected, audits)]
  }

  private metricDifferences(db: BetterSqlite3.Database): string[] {
    const batches = countRows(db, "SELECT application_id || ' ' || batch_id AS key, 1 AS n FROM metric_batches")
    const audits = countRows(db, "SELECT entity_id || ' ' || json_extract(after_json, '$.batch_id') AS key, count(*) AS n FROM audit_events WHERE action IN ('metrics.ingested', 'inferences.imported') GROUP BY key")
    const keys = countRows(db, "SELECT application_id || ' ' || key AS key, 1 AS n FROM metric_observation_keys")
    const expected = (wanted: Iterable<string>) => new Map([...wanted].map((key) => [key, 1]))
    const problems = [
      ...countDifferences('batches', expected(this.batches), batches),
      ...countDifferences('batch audit events', expected(this.batches), audits),
      ...countDifferences('observation ids', expected(this.observationKeys), keys),
    ]
    const stored = db
      .prepare("SELECT s.application_id || ' ' || s.metric || ' ' || b.hour AS key, b.n, coalesce(b.total, 0) AS total, coalesce(b.sum, 0) AS sum FROM metric_buckets b JOIN metric_series s ON s.id = b.series_id")
      .all() as Array<Bucket & { key: string }>
    const seen = new Set<string>()
    for (const { key, ...bucket } of stored) {
      seen.add(key)
      const model = this.buckets.get(key)
      if (!model || model.n !== bucket.n || model.total !== bucket.total || model.sum !== bucket.sum) {
        problems.push(`bucket ${key} holds ${show(bucket)}, the writes that are there add up to ${show(model ?? null)}`)
      }
    }
    for (const key of this.buckets.keys()) if (!seen.has(key)) problems.push(`bucket ${key} is missing`)
    return problems
  }

  private policyDifferences(db: BetterSqlite3.Database): string[] {
    const problems: string[] = []
    const rows = db.prepare('SELECT id, name, version FROM policies').all() as Array<{ id: string; name: string; version: number }>
    const versions = countRows(db, 'SELECT policy_id AS key, count(*) AS n FROM policy_versions GROUP BY policy_id')
    const audits = countRows(db, "SELECT entity_id || ' ' || action AS key, count(*) AS n FROM audit_events WHERE action IN ('policy.created', 'policy.updated', 'policy.version_created') GROUP BY entity_id, action")
    const expected = new Map<string, number>()
    for (const row of rows) {
      const policy = this.policies.get(row.id)
      if (!policy) {
        problems.push(`policy ${row.id} (${row.name}) is in the file, but no write that is there created it`)
        continue
      }
      if (row.name !== policy.name || row.version !== policy.version) problems.push(`policy ${row.id} is ${row.name} v${row.version}, not ${policy.name} v${policy.version}`)
      if (versions.get(row.id) !== row.version) problems.push(`policy ${row.id} is at v${row.version} with ${versions.get(row.id) ?? 0} versions stored`)
      const latest = db.prepare('SELECT definition_json FROM policy_versions WHERE policy_id = ? ORDER BY version DESC LIMIT 1').get(row.id) as { definition_json: string } | undefined
      const frozen = latest ? (JSON.parse(latest.definition_json) as { alert_rules: Array<{ metric: string; threshold: number }>; scope: { tags: string[] } }) : undefined
      for (const [metric, threshold] of policy.thresholds) {
        const current = db.prepare('SELECT threshold FROM policy_requirements WHERE policy_id = ? AND metric = ?').get(row.id, metric) as { threshold: number } | undefined
        if (current?.threshold !== threshold) problems.push(`policy ${row.id} requires ${metric} at ${current?.threshold}, not ${threshold}`)
        const version = frozen?.alert_rules.find((rule) => rule.metric === metric)?.threshold
        if (version !== threshold) problems.push(`policy ${row.id}'s latest version froze ${metric} at ${version}, not ${threshold}`)
      }
      if (policy.tags) {
        const tags = (db.prepare('SELECT tag FROM policy_scope_tags WHERE policy_id = ? ORDER BY tag').all(row.id) as Array<{ tag: string }>).map((tag) => tag.tag)
        if (show(tags) !== show(policy.tags) || show(frozen?.scope.tags) !== show(policy.tags)) problems.push(`policy ${row.id} is scoped to ${show(tags)} (latest version ${show(frozen?.scope.tags)}), not ${show(policy.tags)}`)
      }
    }
    for (const [id, policy] of this.policies) {
      if (!rows.some((row) => row.id === id)) problems.push(`policy ${id} (${policy.name}) is missing`)
      expected.set(`${id} policy.created`, 1)
      if (policy.version > 1) {
        expected.set(`${id} policy.updated`, policy.version - 1)
        expected.set(`${id} policy.version_created`, policy.version - 1)
      }
    }
    return [...problems, ...countDifferences('policy audit events', expected, audits)]
  }

  /** The policies the file must hold: every one published, so every one in the compliance answer. */
  policyIds(): string[] {
    return sorted(this.policies.keys())
  }

  /** How much the model holds, for the test's summary. */
  size() {
    return { applications: this.applications.size, policies: this.policies.size, batches: this.batches.size, buckets: this.buckets.size, unanswered: { ...this.unanswered } }
  }
}

/**
 * The checks SQLite itself makes (every page and index sound, every foreign key pointing
 * somewhere), and the audit trail one unbroken chain, however the writers sharing it were killed.
 */
export function fileProblems(db: BetterSqlite3.Database): string[] {
  const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check)
  const foreignKeys = db.pragma('foreign_key_check') as unknown[]
  const issued = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'").get() as { seq: number } | undefined)?.seq ?? 0
  const events = db.prepare(`SELECT ${AUDIT_CHAIN_COLUMNS.join(', ')} FROM audit_events ORDER BY id`).raw(true).iterate() as Iterable<ChainedEventRow>
  const chain = checkAuditChain(events, issued)
  return [
    ...(show(integrity) === show(['ok']) ? [] : [`integrity_check: ${integrity.join('; ')}`]),
    ...foreignKeys.map((row) => `foreign_key_check: ${show(row)}`),
    ...(chain.ok ? [] : [`audit chain: ${chain.first_bad.message}`]),
  ]
}

type KeyValue = { key: string; value: string }

function groupRows(rows: readonly KeyValue[]): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const { key, value } of rows) groups.set(key, [...(groups.get(key) ?? []), value])
  return groups
}

function countRows(db: BetterSqlite3.Database, query: string): Map<string, number> {
  return new Map((db.prepare(query).all() as Array<{ key: string; n: number }>).map((row) => [row.key, row.n]))
}

function countDifferences(what: string, expected: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>): string[] {
  const problems: string[] = []
  for (const [key, n] of expected) if (actual.get(key) !== n) problems.push(`${what}: ${key} ×${actual.get(key) ?? 0}, expected ×${n}`)
  for (const [key, n] of actual) if (!expected.has(key)) problems.push(`${what}: ${key} ×${n}, which no write that is there made`)
  return problems
}

function describe(write: CrashWrite): string {
  switch (write.kind) {
    case 'ingest':
      return `ingest of batch ${write.batch} (${write.observations.length} observations) into ${write.application}`
    case 'import':
      return `import of batch ${write.batch} (${write.content.split('\n').length - 1} events) into ${write.application}`
    default:
      return show(write)
  }
}
