/**
 * The crash writer: a process that writes to a workspace through the contract, as `govern serve`
 * would for concurrent clients, until it is killed. Each lane is one client: it sends one write
 * after another, journalling each before sending it and its answer as it arrives
 * (crash-journal.ts), so the test that kills the process knows what must survive.
 *
 *   (echo '{"db":…,"lanes":[{"lane":"a","journal":…}],"run":"3","seed":"…"}'; cat) | node --import tsx src-main/testing/crash-writer.ts
 *
 * A lane owns the applications and policies whose ids or names carry its letter, so it knows the
 * version of every policy it changes, however many other lanes and processes write beside it.
 */
import type { Input, ProcedureName } from '../../src-shared/api/contract'
import type { Application } from '../../src-shared/domain/application'
import type { Actor } from '../../src-shared/domain/common'
import { METRIC_BY_KEY } from '../../src-shared/domain/metrics'
import { TEMPLATE_IDS, type Policy } from '../../src-shared/domain/policy'
import { openEngine, type Engine } from '../engine/engine'
import { dispatch } from '../transport/dispatch'
import { JournalWriter, type CrashAnswer, type CrashWrite } from './crash-journal'
import { seededRandom } from '../engine/seeded-random'

export interface CrashLane {
  /** One letter, distinct from every other lane's on the workspace. */
  lane: string
  journal: string
}

export interface CrashWriterOptions {
  db: string
  lanes: CrashLane[]
  /** Names this run's new ids, so they never clash with an earlier run's on the same file. */
  run: string
  seed: string
  /** Evaluate on a worker thread with its own connection, as the desktop app and `govern serve` do. */
  worker?: boolean
}

const TAGS = ['customer-data', 'external', 'internal', 'finance']
const RATE_METRICS = ['pii', 'error_rate', 'sensitive_data', 'availability', 'toxicity']
/** Enough to make policy changes touch many applications, few enough to keep each run quick. */
const MAX_APPLICATIONS = 40
const MAX_POLICIES = 8
const HOUR_MS = 3_600_000
/** A writer the test forgot to kill stops on its own. */
const LIFETIME_MS = 60_000

type LanePolicy = Pick<Policy, 'id' | 'version' | 'alert_rules'>

class CrashWriter {
  private readonly random: () => number
  /** Ids of the lane's applications. */
  private applications: string[] = []
  private policies: LanePolicy[] = []

  constructor(
    private readonly engine: Engine,
    private readonly owner: Actor,
    private readonly options: CrashWriterOptions & CrashLane,
  ) {
    this.random = seededRandom(`${options.seed}:${options.lane}:${options.run}`)
  }

  private call<K extends ProcedureName>(name: K, input: Input<K>) {
    return dispatch(this.engine, name, input, { actor: this.owner }, (message, error) => console.error(message, error))
  }

  /** What this lane wrote before, as the reopened workspace has it (a write in flight at a crash may be there or not). */
  async catchUp(): Promise<void> {
    const apps = await this.call('applications.list', {})
    const policies = await this.call('policies.list', {})
    if (!apps.ok || !policies.ok) throw new Error('cannot read the workspace back')
    this.applications = (apps.value as { applications: Application[] }).applications.map((app) => app.id).filter((id) => id.startsWith(`app_${this.options.lane}`))
    this.policies = (policies.value as { policies: Policy[] }).policies.filter((policy) => policy.name.startsWith(`Crash ${this.options.lane}`))
  }

  async run(journal: JournalWriter): Promise<never> {
    for (let seq = 1; ; seq++) {
      const write = this.nextWrite(seq)
      journal.append({ seq, begin: write })
      const result = await this.send(write)
      if (result.ok) {
        journal.append({ seq, ack: this.learn(write, result.value) })
      } else {
        journal.append({ seq, failed: result.error })
        await this.catchUp()
      }
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!
  }

  private between(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1))
  }

  private someTags(): string[] {
    return TAGS.filter(() => this.random() < 0.35)
  }

  private nextWrite(seq: number): CrashWrite {
    const { lane, run } = this.options
    const name = `${lane}${run}-${seq}`
    const roll = this.random()
    if (this.applications.length === 0 || (roll < 0.08 && this.applications.length < MAX_APPLICATIONS)) {
      return { kind: 'createApplication', id: `app_${name}`, name: `Crash app ${name}`, tags: this.someTags() }
    }
    if (roll < 0.18) {
      const id = this.pick(this.applications)
      return { kind: 'updateApplication', id, name: `Crash app ${id} as of ${name}`, ...(this.random() < 0.3 ? { tags: this.someTags() } : {}) }
    }
    if (roll < 0.55) return this.ingest(name)
    if (roll < 0.75) return this.import(name)
    if (this.policies.length === 0 || (roll < 0.8 && this.policies.length < MAX_POLICIES)) {
      const template = this.random() < 0.7 ? this.pick(TEMPLATE_IDS) : null
      return { kind: 'createPolicy', name: `Crash ${name}`, template, tags: this.random() < 0.15 ? [] : [this.pick(TAGS)] }
    }
    if (roll < 0.96) return this.policyChange()
    return { kind: 'evaluate' }
  }

  private recent(): string {
    return new Date(Date.now() - Math.floor(this.random() * 72 * HOUR_MS)).toISOString()
  }

  private ingest(batch: string): CrashWrite {
    const keyed = this.random() < 0.3
    const observations = Array.from({ length: this.between(1, 30) }, (_, index) => {
      const id = keyed ? { id: `${batch}-${index}` } : {}
      if (this.random() < 0.2) return { metric: 'requests' as const, timestamp: this.recent(), count: this.between(0, 5000), ...id }
      const total = this.between(1, 1000)
      return { metric: this.pick(RATE_METRICS), timestamp: this.recent(), count: this.between(0, total), total, ...id }
    })
    return { kind: 'ingest', application: this.pick(this.applications), batch, observations }
  }

  private import(batch: string): CrashWrite {
    const lines = Array.from({ length: this.between(1, 40) }, () => {
      const event: Record<string, unknown> = { timestamp: this.recent() }
      if (this.random() < 0.7) event.pii = this.random() < 0.1
      if (this.random() < 0.7) event.error = this.random() < 0.05
      if (this.random() < 0.7) event.latency_ms = this.between(50, 9000)
      return JSON.stringify(event)
    })
    return { kind: 'import', application: this.pick(this.applications), batch, content: `${lines.join('\n')}\n` }
  }

  /** A threshold moved (to a value the policy does not have, so it is a new version), sometimes the scope too. */
  private policyChange(): CrashWrite {
    const policy = this.pick(this.policies)
    const rule = this.pick(policy.alert_rules)
    const definition = METRIC_BY_KEY[rule.metric]
    const top = definition.unit === 'ms' ? 20_000 : definition.unit === '%' ? 20 : definition.max
    let threshold = Math.round((definition.min + this.random() * (top - definition.min)) * 100) / 100
    if (threshold === rule.threshold) threshold = Math.round((threshold >= top ? threshold - 0.01 : threshold + 0.01) * 100) / 100
    const scope = this.random() < 0.25 ? { tags: this.someTags() } : {}
    return { kind: 'updatePolicy', id: policy.id, version: policy.version + 1, metric: rule.metric, threshold, ...scope }
  }

  private send(write: CrashWrite) {
    switch (write.kind) {
      case 'createApplication':
        return this.call('applications.create', { id: write.id, name: write.name, tags: write.tags, environment: this.pick(['production', 'staging']) })
      case 'updateApplication':
        return this.call('applications.update', { id: write.id, name: write.name, ...(write.tags ? { tags: write.tags } : {}) })
      case 'ingest':
        return this.call('metrics.ingest', { id: write.application, batch_id: write.batch, observations: write.observations as Input<'metrics.ingest'>['observations'] })
      case 'import':
        return this.call('inferences.import', { id: write.application, format: 'jsonl', content: write.content, batch_id: write.batch })
      case 'createPolicy': {
        const scope = write.tags.length > 0 ? { tags: write.tags } : { apply_to_all: true }
        if (write.template) return this.call('policies.createFromTemplate', { template_id: write.template, name: write.name, scope })
        return this.call('policies.create', { name: write.name, scope, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2.5, severity: 'high' }] })
      }
      case 'updatePolicy': {
        const policy = this.policies.find((candidate) => candidate.id === write.id)!
        const alertRules = policy.alert_rules.map((rule) => (rule.metric === write.metric ? { ...rule, threshold: write.threshold } : rule))
        return this.call('policies.update', { id: write.id, alert_rules: alertRules, ...(write.tags ? { scope: { tags: write.tags } } : {}) })
      }
      case 'evaluate':
        return this.call('compliance.evaluate', {})
    }
  }

  /** Keeps what the answer taught (a new application or policy, a policy's new version) and says what the parent needs. */
  private learn(write: CrashWrite, value: unknown): CrashAnswer {
    if (write.kind === 'createApplication') this.applications.push(write.id)
    if (write.kind === 'createPolicy' || write.kind === 'updatePolicy') {
      const policy = value as Policy
      this.policies = [...this.policies.filter((known) => known.id !== policy.id), policy]
      return { policy: policy.id }
    }
    return {}
  }
}

async function main(options: CrashWriterOptions): Promise<void> {
  const opened = await openEngine(options.db, { evaluateInWorker: options.worker ?? false })
  const owner = await opened.owner()
  const lanes = await Promise.all(
    options.lanes.map(async (lane) => {
      const writer = new CrashWriter(opened, owner, { ...options, ...lane })
      await writer.catchUp()
      return { writer, journal: new JournalWriter(lane.journal) }
    }),
  )
  setTimeout(() => process.exit(3), LIFETIME_MS).unref()
  // The parent starts its kill timer from here, so start-up time does not eat into the writing.
  process.stdout.write('ready\n')
  await Promise.all(lanes.map(({ writer, journal }) => writer.run(journal)))
}

if (require.main === module) {
  // Started ahead of its turn, so loading overlaps the previous crash: the options (and with
  // them the go-ahead to open the workspace) arrive as the first line on stdin.
  let input = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk: string) => {
    const started = input.includes('\n')
    input += chunk
    if (started || !input.includes('\n')) return
    main(JSON.parse(input.slice(0, input.indexOf('\n'))) as CrashWriterOptions).catch((error: unknown) => {
      console.error(error)
      process.exit(2)
    })
  })
  // The parent is gone: nobody will kill this writer or read its journal.
  process.stdin.on('end', () => process.exit(4))
  process.stdout.write('loaded\n')
}
