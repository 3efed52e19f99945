/**
 * Sync over random interleavings (fast-check): two desktops attest, edit one policy and add
 * applications, offline and online, sync at random moments, and are killed mid-push (after the
 * server applied a change, before the desktop struck it off) and reopened from their files. Once
 * all are back online they converge on the server's state, with every attestation exactly once.
 */
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openDesktop, replicatedDigest, startSyncServer, SwitchableLink, type Desktop } from '../../testing/sync-world'
import { asOwner, tempFolder } from '../../testing/workspace'

const START = '2026-03-02T09:00:00.000Z'
const DESKTOPS = 2

type Step =
  | { kind: 'offline' | 'online' | 'sync' | 'kill-mid-push'; desktop: number }
  | { kind: 'attest'; desktop: number }
  | { kind: 'edit'; desktop: number; words: string }
  | { kind: 'add-application'; desktop: number }

const desktopIndex = fc.integer({ min: 0, max: DESKTOPS - 1 })
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const, 'sync' as const, 'kill-mid-push' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('attest' as const), desktop: desktopIndex }),
  fc.record({ kind: fc.constant('edit' as const), desktop: desktopIndex, words: fc.constantFrom('strict', 'lenient', 'reviewed', 'draft') }),
  fc.record({ kind: fc.constant('add-application' as const), desktop: desktopIndex }),
)

/** Killed between the server applying a change and the desktop striking it off its outbox. */
class Killed extends Error {}

async function runScenario(steps: readonly Step[]): Promise<void> {
  const folder = tempFolder()
  const server = await startSyncServer(folder.path('server.sqlite'), START)
  const links: SwitchableLink[] = []
  const desktops: Desktop[] = []
  const killArmed = new Set<number>()
  const open = (index: number) =>
    openDesktop(`desktop-${index}`, folder.path(`desktop-${index}.sqlite`), links[index]!, START, {
      pageSize: 50,
      afterSend: async () => {
        if (killArmed.delete(index)) throw new Killed('killed mid-push')
      },
    })
  try {
    const rule = await server.call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }], notes_required: false, blocking: 'warn' })
    const policy = await server.call('policies.create', { name: 'Customer Data', alert_rules: [], attestation_rule_ids: [rule.id], scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (let index = 0; index < DESKTOPS; index++) {
      links.push(await SwitchableLink.to(server.http.url))
      desktops.push(await open(index))
      await desktops[index]!.call('sync.connect', { url: links[index]!.url, token: server.token })
      await desktops[index]!.call('sync.now', {})
    }
    const attested: string[] = []
    let made = 0
    for (const [position, { kind, desktop: index, ...rest }] of steps.entries()) {
      const desktop = desktops[index]!
      if (kind === 'offline') links[index]!.setOnline(false)
      else if (kind === 'online') links[index]!.setOnline(true)
      else if (kind === 'sync') await desktop.call('sync.now', {})
      else if (kind === 'kill-mid-push') {
        killArmed.add(index)
        // Straight to the engine, as the process would: the kill is not a failure worth logging.
        await desktop.engine.handlers['sync.now']({}, asOwner).catch((error: unknown) => {
          if (!(error instanceof Killed)) throw error
        })
        killArmed.delete(index)
        await desktop.engine.close()
        desktops[index] = await open(index)
      } else if (kind === 'attest') {
        const notes = `attestation ${position} from desktop ${index}`
        await desktop.call('attestations.submit', { id: policy.id, status: 'compliant', notes })
        attested.push(notes)
      } else if (kind === 'edit') {
        const current = await desktop.call('policies.get', { id: policy.id })
        await desktop.call('policies.update', { id: policy.id, base_version: current.version, description: `${(rest as { words: string }).words} ${position}` })
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

    const serverDigest = replicatedDigest(folder.path('server.sqlite'))
    for (const desktop of desktops) {
      const status = await desktop.call('sync.status', {})
      expect(status).toMatchObject({ state: 'online', pending: 0 })
      // Only stale policy edits may be refused, and each is kept to choose from.
      expect(status.problems.every((problem) => problem.procedure === 'policies.update' && problem.kind === 'conflict')).toBe(true)
      expect(replicatedDigest(desktop.file)).toBe(serverDigest)
    }
    const onServer = (await server.call('attestations.list', { id: policy.id })).attestations.map((attestation) => attestation.notes ?? '')
    expect(onServer.sort()).toEqual([...attested].sort())
    expect((await server.call('applications.list', {})).applications).toHaveLength(made)
  } finally {
    for (const desktop of desktops) await desktop.engine.close().catch(() => undefined)
    for (const link of links) await link.close()
    await server.close()
    folder.remove()
  }
}

describe('sync over random interleavings', () => {
  it('converges with every attestation exactly once, through offline spells, reconnects and kills mid-push', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), (steps) => runScenario(steps)),
      { numRuns: 20 },
    )
  }, 90_000)
})
