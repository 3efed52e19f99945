/**
 * Sync through kills (fast-check), on the paths users take: `govern serve` and two desktops, each a
 * process of its own on its own file, syncing through their real sync client over HTTP. They
 * attest, edit one policy (wording and threshold), one application, one person and one group,
 * delete and restore an alert rule and add applications, offline and online, settle conflicts
 * either way and meet edits made on the server itself; and at moments fast-check chooses a relay
 * between a desktop and the server kills the desktop with SIGKILL (mid-snapshot on its first
 * pull, mid-push, mid-pull, while it applies what it heard) or kills the server (while it applies
 * a change, or after). A killed desktop is opened again from its files, a killed server started
 * again on its workspace. Once all are back online they converge on the server's state, with
 * every attestation exactly once, and no edit silently overwrote another.
 *
 * CI runs a fixed seed; FUZZ_SEED=random explores (the seed is printed), FUZZ_SEED=<n> replays one.
 */
import * as fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { Input, ProcedureName } from '../../src-shared/api/contract'
import type { AuditEvent } from '../../src-shared/domain/audit'
import { openEngineParts } from '../engine/engine'
import { KillRelay, type KillMoment, type KillPoint } from '../testing/kill-relay'
import { replicatedDigest } from '../testing/sync-world'
import { callServer, DesktopProcesses, ProcessDied, serveWorkspace, type DesktopProcess, type ServerProcess } from '../testing/sync-processes'
import { caller, tempFolder } from '../testing/workspace'

const SEED = 2207
const DESKTOPS = 2
const APP = 'app_claims'
const PERSON = 'usr_ben'
const GROUP = 'grp_risk'

type RecordKind = 'application' | 'person' | 'group'

type Step =
  | { kind: 'offline' | 'online' | 'sync'; desktop: number }
  | { kind: 'kill-desktop' | 'kill-server'; desktop: number; point: KillPoint }
  | { kind: 'attest'; desktop: number }
  | { kind: 'edit'; desktop: number; words: string }
  | { kind: 'edit-threshold'; desktop: number }
  | { kind: 'edit-record'; desktop: number; record: RecordKind; toggleMember: boolean }
  | { kind: 'delete-rule' | 'restore-rules'; desktop: number }
  | { kind: 'add-application'; desktop: number }
  | { kind: 'resolve'; desktop: number; choice: 'theirs' | 'mine' }
  | { kind: 'edit-on-server'; desktop: number; record: RecordKind | 'policy' }

const desktopIndex = fc.integer({ min: 0, max: DESKTOPS - 1 })
const recordKind = fc.constantFrom('application' as const, 'person' as const, 'group' as const)
const delayMs = fc.integer({ min: 0, max: 30 })
/** Where a desktop dies: before the server hears, after it answered, partway through its answer, or while the desktop acts on it. */
const desktopMoment: fc.Arbitrary<KillMoment> = fc.oneof(
  fc.constant({ at: 'arrival' as const }),
  fc.constant({ at: 'answered' as const }),
  fc.record({ at: fc.constant('bytes' as const), bytes: fc.integer({ min: 1, max: 4_000 }) }),
  fc.record({ at: fc.constant('after' as const), delayMs }),
)
const desktopKill: fc.Arbitrary<KillPoint> = fc.record({ phase: fc.constantFrom('push' as const, 'pull' as const, 'any' as const), nth: fc.integer({ min: 0, max: 3 }), moment: desktopMoment })
/** The server dies while it applies a request, or just after. */
const serverKill: fc.Arbitrary<KillPoint> = fc.record({
  phase: fc.constantFrom('push' as const, 'any' as const),
  nth: fc.integer({ min: 0, max: 2 }),
  moment: fc.oneof(fc.record({ at: fc.constant('sent' as const), delayMs }), fc.constant({ at: 'answered' as const })),
})
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const, 'sync' as const), desktop: desktopIndex }),
  // Kills are what this test is about: more likely than any other step, the server's (a restart is slow) less than a desktop's.
  { arbitrary: fc.record({ kind: fc.constant('kill-desktop' as const), desktop: desktopIndex, point: desktopKill }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('kill-server' as const), desktop: desktopIndex, point: serverKill }), weight: 2 },
  fc.record({ kind: fc.constant('attest' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('edit' as const), desktop: desktopIndex, words: fc.constantFrom('strict', 'lenient', 'reviewed', 'draft') }),
  fc.record({ kind: fc.constant('edit-threshold' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('edit-record' as const), desktop: desktopIndex, record: recordKind, toggleMember: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('delete-rule' as const, 'restore-rules' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('add-application' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('resolve' as const), desktop: desktopIndex, choice: fc.constantFrom('theirs' as const, 'mine' as const) }),
  fc.record({ kind: fc.constant('edit-on-server' as const), desktop: desktopIndex, record: fc.constantFrom('policy' as const, 'application' as const, 'person' as const, 'group' as const) }),
)
/** For each desktop, where (if anywhere) it dies while it takes its first snapshot. */
const snapshotKills = fc.array(fc.option(fc.record({ phase: fc.constant('snapshot' as const), nth: fc.constant(0), moment: desktopMoment }), { nil: undefined }), { minLength: DESKTOPS, maxLength: DESKTOPS })

/**
 * An edit made on a desktop, followed to its end: the command that carries it, the version it was
 * made on, how to recognise the server's audit event of it applied, and what its person chose.
 */
interface TrackedEdit {
  commandId: string
  base: number
  applied: (event: AuditEvent) => boolean
  choice?: 'theirs' | 'mine'
}

const fields = (value: unknown) => (value ?? {}) as Record<string, unknown>

/** Whether the event is the change that set `field` to `value` (a later change of another field keeps it). */
const sets = (event: AuditEvent, field: string, value: unknown) => fields(event.after)[field] === value && fields(event.before)[field] !== value

/** The refusals a desktop may be left with besides conflicts: each is listed, none is silent. */
function expectedRefusal(problem: { procedure: string; message: string }): boolean {
  // Deleted already (on the other desktop), or a rule only this desktop had materialised.
  if (problem.procedure === 'applications.deleteRule' && problem.message.includes('has no alert rule')) return true
  // An edit held behind a refused one, sent anyway, named a version the server never reached.
  return /there is no version \d+ to edit/.test(problem.message)
}

const processes = new DesktopProcesses(DESKTOPS)
afterAll(() => processes.close())

/** The server's workspace as each run starts: made here, then served by `govern serve`. */
async function makeServerWorkspace(file: string) {
  const parts = await openEngineParts(file)
  try {
    const call = caller(parts.engine)
    const rule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }], notes_required: false, blocking: 'warn' })
    const policy = await call('policies.create', { name: 'Customer Data', alert_rules: [], attestation_rule_ids: [rule.id], scope: { apply_to_all: true, tags: [], application_ids: [] } })
    await call('applications.create', { id: APP, name: 'Claims Bot' })
    const dataRules = await call('policies.create', {
      name: 'Data Rules',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
      scope: { apply_to_all: false, tags: [], application_ids: [APP] },
    })
    await call('users.create', { id: PERSON, name: 'Ben' })
    await call('groups.create', { id: GROUP, name: 'Risk' })
    const { secret } = await parts.engine.tokens.create({ name: 'desktops', role: 'org_admin' })
    return { policy, dataRules, token: secret }
  } finally {
    await parts.engine.close()
  }
}

/** What kills did in a run, so a run that never reached a moment is told from one that passed through it. */
interface KillCount {
  desktops: number
  servers: number
}

async function runScenario(snapshotKillPoints: ReadonlyArray<KillPoint | undefined>, steps: readonly Step[], kills: KillCount): Promise<void> {
  const folder = tempFolder()
  const serverFile = folder.path('server.sqlite')
  const { policy, dataRules, token } = await makeServerWorkspace(serverFile)
  let server: ServerProcess = await serveWorkspace(serverFile)
  const onServer = <K extends ProcedureName>(procedure: K, input: Input<K>) => callServer(server.url, token, procedure, input)
  const relays: KillRelay[] = []
  const desktops: DesktopProcess[] = []
  const desktopFile = (index: number) => folder.path(`desktop-${index}.sqlite`)

  /**
   * Runs `sync` with a kill armed on the desktop's relay: the desktop, or the server, dies if the
   * sync reaches the point, and is started again on its files.
   */
  const syncThroughKill = async (index: number, victim: 'desktop' | 'server', point: KillPoint, sync: () => Promise<unknown>) => {
    const relay = relays[index]!
    const dying = victim === 'desktop' ? desktops[index]! : server
    const killed = relay.arm(point, () => void dying.kill())
    await sync().catch((error: unknown) => {
      if (!(error instanceof ProcessDied)) throw error
    })
    // A kill that fired may come a little after the sync ended (its delay).
    if (relay.fired) await killed
    relay.disarm()
    if (!relay.fired) return
    if (victim === 'desktop') {
      kills.desktops++
      await desktops[index]!.exited
      desktops[index] = await processes.open(desktopFile(index))
    } else {
      kills.servers++
      await server.kill()
      server = await serveWorkspace(serverFile)
    }
  }

  try {
    for (let index = 0; index < DESKTOPS; index++) {
      relays.push(await KillRelay.to(() => server.url))
      desktops.push(await processes.open(desktopFile(index)))
      const point = snapshotKillPoints[index]
      const connect = async () => {
        await desktops[index]!.call('sync.connect', { url: relays[index]!.url, token })
        // Waits for the first pull the connection started, then syncs once more.
        await desktops[index]!.call('sync.now', {})
      }
      if (point) await syncThroughKill(index, 'desktop', point, connect)
      else await connect()
      // Reopened after a kill mid-snapshot (the connection itself may not have been kept).
      const status = await desktops[index]!.call('sync.status', {})
      if (status.state === 'disconnected') await desktops[index]!.call('sync.connect', { url: relays[index]!.url, token })
      await desktops[index]!.call('sync.now', {})
    }

    const attested: string[] = []
    const edits: TrackedEdit[] = []
    let made = 0
    /** Follows the edit the desktop just recorded as its newest command. */
    const track = async (index: number, base: number, applied: TrackedEdit['applied']) => {
      edits.push({ commandId: await desktops[index]!.newestCommand(), base, applied })
    }

    for (const [position, { kind, desktop: index, ...rest }] of steps.entries()) {
      const desktop = desktops[index]!
      if (kind === 'offline') relays[index]!.setOnline(false)
      else if (kind === 'online') relays[index]!.setOnline(true)
      else if (kind === 'sync') await desktop.call('sync.now', {})
      else if (kind === 'kill-desktop' || kind === 'kill-server') {
        const { point } = rest as { point: KillPoint }
        await syncThroughKill(index, kind === 'kill-desktop' ? 'desktop' : 'server', point, () => desktop.call('sync.now', {}))
      } else if (kind === 'attest') {
        const notes = `attestation ${position} from desktop ${index}`
        await desktop.call('attestations.submit', { id: policy.id, status: 'compliant', notes })
        attested.push(notes)
      } else if (kind === 'edit') {
        const current = await desktop.call('policies.get', { id: policy.id })
        const description = `${(rest as { words: string }).words} ${position}`
        await desktop.call('policies.update', { id: policy.id, base_version: current.version, description })
        await track(index, current.version, (event) => event.action === 'policy.updated' && event.entity_id === policy.id && sets(event, 'description', description))
      } else if (kind === 'edit-threshold') {
        const current = await desktop.call('policies.get', { id: dataRules.id })
        // Never the 1 it starts at: every edit changes it.
        const threshold = 2 + position / 100
        await desktop.call('policies.update', { id: dataRules.id, alert_rules: [{ metric: 'pii', operator: '>', threshold, severity: 'critical' }] })
        const thresholdIn = (policyFields: unknown) => (fields(policyFields).alert_rules as Array<{ threshold: number }> | undefined)?.[0]?.threshold
        await track(index, current.version, (event) => event.action === 'policy.updated' && event.entity_id === dataRules.id && thresholdIn(event.after) === threshold && thresholdIn(event.before) !== threshold)
      } else if (kind === 'edit-record') {
        // Each edit sets a value no other step sets, so the server's trail shows whether it landed.
        const { record, toggleMember } = rest as { record: RecordKind; toggleMember: boolean }
        if (record === 'application') {
          const team = `team ${position}`
          const base = (await desktop.call('applications.get', { id: APP })).version
          await desktop.call('applications.update', { id: APP, team })
          await track(index, base, (event) => event.action === 'application.updated' && event.entity_id === APP && sets(event, 'team', team))
        } else if (record === 'person') {
          const name = `Ben ${position}`
          const base = (await desktop.call('users.get', { id: PERSON })).version
          await desktop.call('users.update', { id: PERSON, name })
          await track(index, base, (event) => event.action === 'user.updated' && event.entity_id === PERSON && sets(event, 'name', name))
        } else {
          const description = `group ${position}`
          const group = await desktop.call('groups.get', { id: GROUP })
          // Sometimes Ben joins or leaves with it, which moves his version too.
          const member_ids = toggleMember ? (group.member_ids.includes(PERSON) ? [] : [PERSON]) : undefined
          await desktop.call('groups.update', { id: GROUP, description, member_ids })
          await track(index, group.version, (event) => event.action === 'group.updated' && event.entity_id === GROUP && sets(event, 'description', description))
        }
      } else if (kind === 'delete-rule') {
        const [seen] = (await desktop.call('applications.rules', { id: APP })).alert_rules
        if (seen) {
          await desktop.call('applications.deleteRule', { id: APP, rule_id: seen.id })
          await track(index, seen.version, (event) => event.action === 'rule.deleted' && event.entity_id === APP && fields(event.before).id === seen.id)
        }
      } else if (kind === 'restore-rules') {
        await desktop.call('applications.restoreRules', { id: APP, requirement: 'pii' })
      } else if (kind === 'resolve') {
        // Settle the oldest problem, as a person would from the list.
        const [problem] = (await desktop.call('sync.status', {})).problems
        if (problem) {
          const choice = (rest as { choice: 'theirs' | 'mine' }).choice
          const edit = edits.find((candidate) => candidate.commandId === problem.command_id)
          if (edit) edit.choice = choice
          await desktop.call('sync.resolve', { command_id: problem.command_id, choice })
        }
      } else if (kind === 'edit-on-server') {
        // Someone working on the server itself meanwhile, naming no version.
        const record = (rest as { record: RecordKind | 'policy' }).record
        if (record === 'policy') await onServer('policies.update', { id: policy.id, name: `Customer Data ${position}` })
        else if (record === 'application') await onServer('applications.update', { id: APP, team: `server ${position}` })
        else if (record === 'person') await onServer('users.update', { id: PERSON, name: `Ben on the server ${position}` })
        else await onServer('groups.update', { id: GROUP, name: `Risk ${position}` })
      } else {
        await desktop.call('applications.create', { name: `Bot ${position}` })
        made++
      }
    }

    for (const relay of relays) relay.setOnline(true)
    for (let round = 0; round < 3; round++) {
      for (const desktop of desktops) await desktop.call('sync.now', {})
      // Statuses made current on the server, so the last pulls carry them.
      await onServer('compliance.evaluate', {})
    }
    for (const desktop of desktops) await desktop.call('sync.now', {})

    const serverDigest = await replicatedDigest(serverFile)
    const listed = new Set<string>()
    for (const [index, desktop] of desktops.entries()) {
      const status = await desktop.call('sync.status', {})
      expect(status).toMatchObject({ state: 'online', pending: 0 })
      // Stale edits are kept to choose from; the only other refusals are the expected, listed ones.
      for (const problem of status.problems) {
        if (problem.kind !== 'conflict') expect(expectedRefusal(problem), `${problem.procedure}: ${problem.message}`).toBe(true)
        listed.add(problem.command_id)
      }
      expect(await replicatedDigest(desktopFile(index)), `desktop ${index} holds the server's rows`).toBe(serverDigest)
    }
    const attestations = (await onServer('attestations.list', { id: policy.id })).attestations.map((attestation) => attestation.notes ?? '')
    expect(attestations.sort()).toEqual([...attested].sort())
    expect((await onServer('applications.list', {})).applications).toHaveLength(made + 1)

    // No silent overwrite: an edit still listed, or dropped by its person, was not applied; any
    // other was, on the version it was made on, unless its person chose to send it over a newer one.
    const trail = (await onServer('audit.list', { limit: 1000 })).events
    for (const edit of edits) {
      if (listed.has(edit.commandId) || edit.choice === 'theirs') continue
      const landed = trail.find(edit.applied)
      expect(landed, `an edit neither applied, listed nor dropped (${edit.commandId})`).toBeDefined()
      if (edit.choice !== 'mine') expect(fields(landed!.before).version, `${landed!.action} ${landed!.entity_id}, made on version ${edit.base}`).toBe(edit.base)
    }
  } finally {
    for (const desktop of desktops) desktop.kill()
    await Promise.all(desktops.map((desktop) => desktop.exited))
    for (const relay of relays) await relay.close()
    await server.kill()
    folder.remove()
  }
}

/** FUZZ_SEED=random explores a new seed each run, printed so it can be replayed with FUZZ_SEED=<seed>. */
function seedOfThisRun(): number {
  const asked = process.env.FUZZ_SEED
  if (asked === 'random') {
    const seed = Math.floor(Math.random() * 2 ** 31)
    console.log(`sync-killed-processes: FUZZ_SEED=${seed}`)
    return seed
  }
  return asked ? Number(asked) : SEED
}

describe('sync between processes killed with SIGKILL', () => {
  it('converges with every attestation exactly once and no edit silently overwritten, through kills of desktops and of the server', async () => {
    const seed = seedOfThisRun()
    const kills: KillCount = { desktops: 0, servers: 0 }
    await fc.assert(
      fc.asyncProperty(snapshotKills, fc.array(step, { minLength: 4, maxLength: 12 }), (snapshotKillPoints, steps) => runScenario(snapshotKillPoints, steps, kills)),
      { numRuns: 4, seed, endOnFailure: true },
    )
    // The fixed seed reaches both kinds of kill; a random one says how many it reached.
    console.log(`sync-killed-processes: seed ${seed}, ${kills.desktops} desktop kills, ${kills.servers} server kills`)
    if (!process.env.FUZZ_SEED) expect(kills.desktops > 0 && kills.servers > 0, `kills at seed ${seed}`).toBe(true)
  }, 900_000)
})
