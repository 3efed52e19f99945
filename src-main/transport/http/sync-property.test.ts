/**
 * Sync over random interleavings (fast-check), in one process: two desktops attest, edit one
 * policy (its wording and its threshold), one application, one person and one group, delete and
 * restore one alert rule and add applications, offline and online, sync at random moments, settle
 * conflicts either way, meet edits made on the server itself, and are closed and reopened from
 * their files. Once all are back online they converge on the server's state, with every
 * attestation exactly once, and no edit silently overwrote another: each one made on a desktop was
 * applied on the version it was made on, or is still listed to choose from, or its person chose
 * (to drop it, or to send it over).
 *
 * In-process it runs many interleavings cheaply, on the server's PostgreSQL too; the same
 * properties through SIGKILLs of desktop and server processes are cli/sync-killed-processes.test.ts.
 * CI runs a fixed seed; FUZZ_SEED=random explores (the seed is printed), FUZZ_SEED=<n> replays one.
 */
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../src-shared/domain/audit'
import { openDesktop, replicatedDigest, startSyncServer, SwitchableLink, type Desktop, type SyncServer } from '../../testing/sync-world'
import { tempFolder } from '../../testing/workspace'

const START = '2026-03-02T09:00:00.000Z'
const SEED = 2206
const DESKTOPS = 2
const APP = 'app_claims'
const PERSON = 'usr_ben'
const GROUP = 'grp_risk'

type RecordKind = 'application' | 'person' | 'group'

type Step =
  | { kind: 'offline' | 'online' | 'sync' | 'reopen'; desktop: number }
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
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const, 'sync' as const, 'reopen' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('attest' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('edit' as const), desktop: desktopIndex, words: fc.constantFrom('strict', 'lenient', 'reviewed', 'draft') }),
  fc.record({ kind: fc.constant('edit-threshold' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('edit-record' as const), desktop: desktopIndex, record: recordKind, toggleMember: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('delete-rule' as const, 'restore-rules' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('add-application' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('resolve' as const), desktop: desktopIndex, choice: fc.constantFrom('theirs' as const, 'mine' as const) }),
  fc.record({ kind: fc.constant('edit-on-server' as const), desktop: desktopIndex, record: fc.constantFrom('policy' as const, 'application' as const, 'person' as const, 'group' as const) }),
)

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

async function runScenario(steps: readonly Step[]): Promise<void> {
  const folder = tempFolder()
  const server: SyncServer = await startSyncServer(folder.path('server.sqlite'), START)
  const links: SwitchableLink[] = []
  const desktops: Desktop[] = []
  const open = (index: number) => openDesktop(`desktop-${index}`, folder.path(`desktop-${index}.sqlite`), links[index]!, START, { pageSize: 50 })
  try {
    const rule = await server.call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }], notes_required: false, blocking: 'warn' })
    const policy = await server.call('policies.create', { name: 'Customer Data', alert_rules: [], attestation_rule_ids: [rule.id], scope: { apply_to_all: true, tags: [], application_ids: [] } })
    await server.call('applications.create', { id: APP, name: 'Claims Bot' })
    const dataRules = await server.call('policies.create', {
      name: 'Data Rules',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
      scope: { apply_to_all: false, tags: [], application_ids: [APP] },
    })
    await server.call('users.create', { id: PERSON, name: 'Ben' })
    await server.call('groups.create', { id: GROUP, name: 'Risk' })
    for (let index = 0; index < DESKTOPS; index++) {
      links.push(await SwitchableLink.to(server.http.url))
      desktops.push(await open(index))
      await desktops[index]!.call('sync.connect', { url: links[index]!.url, token: server.token })
      await desktops[index]!.call('sync.now', {})
    }
    const attested: string[] = []
    const edits: TrackedEdit[] = []
    let made = 0
    /** Follows the edit the desktop just recorded as its newest command. */
    const track = async (index: number, base: number, applied: TrackedEdit['applied']) => {
      const newest = await desktops[index]!.parts.context.db.selectFrom('sync_outbox').select('command_id').orderBy('position', 'desc').limit(1).executeTakeFirstOrThrow()
      edits.push({ commandId: newest.command_id, base, applied })
    }

    for (const [position, { kind, desktop: index, ...rest }] of steps.entries()) {
      const desktop = desktops[index]!
      if (kind === 'offline') links[index]!.setOnline(false)
      else if (kind === 'online') links[index]!.setOnline(true)
      else if (kind === 'sync') await desktop.call('sync.now', {})
      else if (kind === 'reopen') {
        await desktop.engine.close()
        desktops[index] = await open(index)
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
        if (record === 'policy') await server.call('policies.update', { id: policy.id, name: `Customer Data ${position}` })
        else if (record === 'application') await server.call('applications.update', { id: APP, team: `server ${position}` })
        else if (record === 'person') await server.call('users.update', { id: PERSON, name: `Ben on the server ${position}` })
        else await server.call('groups.update', { id: GROUP, name: `Risk ${position}` })
      } else {
        await desktop.call('applications.create', { name: `Bot ${position}` })
        made++
      }
    }

    for (const link of links) link.setOnline(true)
    for (let round = 0; round < 3; round++) {
      for (const desktop of desktops) await desktop.call('sync.now', {})
      await server.engine.settle()
    }
    for (const desktop of desktops) await desktop.call('sync.now', {})

    const serverDigest = await replicatedDigest(server.engine.path)
    const listed = new Set<string>()
    for (const desktop of desktops) {
      const status = await desktop.call('sync.status', {})
      expect(status).toMatchObject({ state: 'online', pending: 0 })
      // Stale edits are kept to choose from; the only other refusals are the expected, listed ones.
      for (const problem of status.problems) {
        if (problem.kind !== 'conflict') expect(expectedRefusal(problem), `${problem.procedure}: ${problem.message}`).toBe(true)
        listed.add(problem.command_id)
      }
      expect(await replicatedDigest(desktop.file)).toBe(serverDigest)
    }
    const onServer = (await server.call('attestations.list', { id: policy.id })).attestations.map((attestation) => attestation.notes ?? '')
    expect(onServer.sort()).toEqual([...attested].sort())
    expect((await server.call('applications.list', {})).applications).toHaveLength(made + 1)

    // No silent overwrite: an edit still listed, or dropped by its person, was not applied; any
    // other was, on the version it was made on, unless its person chose to send it over a newer one.
    const trail = (await server.call('audit.list', { limit: 1000 })).events
    for (const edit of edits) {
      if (listed.has(edit.commandId) || edit.choice === 'theirs') continue
      const landed = trail.find(edit.applied)
      expect(landed, `an edit neither applied, listed nor dropped (${edit.commandId})`).toBeDefined()
      if (edit.choice !== 'mine') expect(fields(landed!.before).version, `${landed!.action} ${landed!.entity_id}, made on version ${edit.base}`).toBe(edit.base)
    }
  } finally {
    for (const desktop of desktops) await desktop.engine.close().catch(() => undefined)
    for (const link of links) await link.close()
    await server.close()
    folder.remove()
  }
}

/** FUZZ_SEED=random explores a new seed each run, printed so it can be replayed with FUZZ_SEED=<seed>. */
function seedOfThisRun(): number {
  const asked = process.env.FUZZ_SEED
  if (asked !== 'random') return asked ? Number(asked) : SEED
  const seed = Math.floor(Math.random() * 2 ** 31)
  console.log(`sync-property: FUZZ_SEED=${seed}`)
  return seed
}

describe('sync over random interleavings', () => {
  it('converges with every attestation exactly once and no edit silently overwritten, through offline spells, reconnects and reopenings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 18 }), (steps) => runScenario(steps)),
      { numRuns: 15, seed: seedOfThisRun() },
    )
    // A hang guard only: on PostgreSQL, beside other work, the 15 runs took 221 s on 2 cores.
  }, 600_000)
})
