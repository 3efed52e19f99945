/**
 * Two desktops and a server, for real: a server engine behind its HTTP server, two desktop
 * engines on their own files reaching it through links the test cuts. Both go offline, attest and
 * edit, come back in either order, and end identical to the server: every attestation once, the
 * conflicting policy edit kept as a problem with both versions, nothing overwritten.
 */
import { readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Policy } from '../../../src-shared/domain/policy'
import { openDesktop, replicatedDigest, replicatedRows, startSyncServer, SwitchableLink, type Desktop, type SyncServer } from '../../testing/sync-world'
import { tempFolder } from '../../testing/workspace'
import { SYNC_INTERVAL_MS } from '../../engine/sync/sync-service'

const START = '2026-03-02T09:00:00.000Z'
let folder: ReturnType<typeof tempFolder>
let server: SyncServer
let desktops: Desktop[]
let policy: Policy

beforeEach(async () => {
  folder = tempFolder()
  server = await startSyncServer(folder.path('server.sqlite'), START)
  const rule = await server.call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }], notes_required: false, blocking: 'warn' })
  await server.call('applications.create', { id: 'app_claims', name: 'Claims Bot', tags: ['governed'] })
  policy = await server.call('policies.create', {
    name: 'Customer Data',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: ['governed'], application_ids: [] },
    enforcement_delay_days: 0,
  })
  await server.engine.settle()
  desktops = []
  for (const name of ['alice', 'bob']) {
    const link = await SwitchableLink.to(server.http.url)
    const desktop = await openDesktop(name, folder.path(`${name}.sqlite`), link, START)
    await desktop.call('sync.connect', { url: link.url, token: server.token })
    await desktop.call('sync.now', {})
    desktops.push(desktop)
  }
})
afterEach(async () => {
  for (const desktop of desktops) {
    await desktop.engine.close()
    await desktop.link.close()
  }
  await server.close()
  folder.remove()
})

async function settleAll(): Promise<void> {
  // Twice round: the second pull brings what the server evaluated after the first push.
  for (let round = 0; round < 2; round++) {
    for (const desktop of desktops) await desktop.call('sync.now', {})
    await server.engine.settle()
  }
  for (const desktop of desktops) await desktop.call('sync.now', {})
}

describe('two desktops and a server', () => {
  it('give a connected desktop the server’s workspace, with its status online', async () => {
    const [alice] = desktops
    expect(await replicatedRows(alice!.file)).toEqual(await replicatedRows(server.engine.path))
    expect(await alice!.call('sync.status', {})).toMatchObject({ state: 'online', server_url: alice!.link.url, pending: 0, problems: [] })
    expect((await alice!.call('policies.get', { id: policy.id })).name).toBe('Customer Data')
    // Connecting is recorded here, as the desktop's own event.
    expect((await alice!.call('audit.list', { action: 'sync.connected' })).events).toEqual([expect.objectContaining({ id: -1 })])
  })

  for (const order of [['alice', 'bob'], ['bob', 'alice']] as const) {
    it(`converge after both worked offline, coming back ${order.join(' then ')}`, async () => {
      const [alice, bob] = desktops as [Desktop, Desktop]
      for (const desktop of desktops) desktop.link.setOnline(false)

      await alice.call('attestations.submit', { id: policy.id, status: 'compliant', notes: 'Checked on the train' })
      await alice.call('policies.update', { id: policy.id, base_version: policy.version, description: 'Alice: covers customer records' })
      await bob.call('attestations.submit', { id: policy.id, status: 'non_compliant', notes: 'PII leak seen' })
      // Without a base version, the version this desktop holds is the one the edit was made on.
      await bob.call('policies.update', { id: policy.id, description: 'Bob: covers all personal data' })
      await bob.call('applications.create', { name: 'Offline Bot' })
      // Offline, each sees its own work, and says so.
      expect((await alice.call('policies.get', { id: policy.id })).description).toBe('Alice: covers customer records')
      const offline = await bob.call('sync.now', {})
      expect(offline).toMatchObject({ state: 'offline', pending: 3, last_error: expect.stringContaining('Could not reach') })

      const first = order[0] === 'alice' ? alice : bob
      const second = first === alice ? bob : alice
      first.link.setOnline(true)
      await first.call('sync.now', {})
      second.link.setOnline(true)
      await settleAll()

      // Whoever came back first holds the edit; the other's edit is a problem, with both versions.
      const winner = first === alice ? 'Alice: covers customer records' : 'Bob: covers all personal data'
      const loser = first === alice ? 'Bob: covers all personal data' : 'Alice: covers customer records'
      const onServer = await server.call('policies.get', { id: policy.id })
      expect(onServer.description).toBe(winner)
      const status = await second.call('sync.status', {})
      expect(status.pending).toBe(0)
      expect(status.problems).toHaveLength(1)
      expect(status.problems[0]).toMatchObject({ procedure: 'policies.update', kind: 'conflict', summary: `Edit policy ${onServer.name}` })
      expect(status.problems[0]!.conflict).toMatchObject({ policy_id: policy.id, base: { version: policy.version }, current: { version: onServer.version, definition: expect.objectContaining({ description: winner }) } })
      expect(status.problems[0]!.conflict!.your_changes).toEqual(expect.arrayContaining([expect.objectContaining({ after: loser })]))
      expect((await first.call('sync.status', {})).problems).toEqual([])

      // Identical everywhere; each attestation once; the loser's desktop shows the server's version.
      const serverDigest = await replicatedDigest(server.engine.path)
      expect(await replicatedDigest(alice.file)).toBe(serverDigest)
      expect(await replicatedDigest(bob.file)).toBe(serverDigest)
      for (const caller of [server.call, alice.call, bob.call]) {
        const attestations = (await caller('attestations.list', { id: policy.id })).attestations
        expect(attestations.map((attestation) => attestation.notes).sort()).toEqual(['Checked on the train', 'PII leak seen'])
        expect((await caller('applications.list', { search: 'Offline Bot' })).applications).toHaveLength(1)
      }
      expect((await second.call('policies.get', { id: policy.id })).description).toBe(winner)
      const audit = (await server.call('audit.list', { action: 'attestation.submitted', limit: 100 })).events
      expect(audit).toHaveLength(2)
      expect((await alice.call('audit.verify', {})).ok).toBe(true)
    })
  }

  it('settle a conflict by choice: theirs drops the edit, mine sends it over the server’s version', async () => {
    const [alice, bob] = desktops as [Desktop, Desktop]
    bob.link.setOnline(false)
    await bob.call('policies.update', { id: policy.id, base_version: policy.version, name: 'Customer Data (Bob)' })
    await bob.call('policies.update', { id: policy.id, base_version: policy.version + 1, description: 'Bob again' })
    await alice.call('policies.update', { id: policy.id, base_version: policy.version, name: 'Customer Data (Alice)' })
    await alice.call('sync.now', {})
    bob.link.setOnline(true)
    const status = await bob.call('sync.now', {})
    expect(status.problems.map((problem) => problem.kind)).toEqual(['conflict', 'conflict'])
    const [first, second] = status.problems as [(typeof status.problems)[0], (typeof status.problems)[0]]
    await bob.call('sync.resolve', { command_id: second.command_id, choice: 'theirs' })
    const after = await bob.call('sync.resolve', { command_id: first.command_id, choice: 'mine' })
    expect(after).toMatchObject({ pending: 0, problems: [] })
    expect((await server.call('policies.get', { id: policy.id })).name).toBe('Customer Data (Bob)')
    expect((await server.call('policies.get', { id: policy.id })).description).not.toBe('Bob again')
    await settleAll()
    expect(await replicatedDigest(bob.file)).toBe(await replicatedDigest(server.engine.path))
    expect((await bob.call('audit.list', { action: 'sync.resolved' })).events).toHaveLength(2)
  })

  /**
   * One record of each kind, edited offline on both desktops: whoever comes back first wins, the
   * other's edit is a conflict listed with the server's version and what it would change, and the
   * loser's desktop shows the server's version until its person chooses.
   */
  const RECORD_EDITS = [
    {
      kind: 'application',
      summary: 'Edit application Claims Bot',
      make: async () => 'app_claims',
      edit: (desktop: Desktop, id: string, value: string) => desktop.call('applications.update', { id, team: value }),
      read: async (caller: Desktop['call'], id: string) => (await caller('applications.get', { id })).team,
      field: 'team',
      values: ['Payments', 'Claims Ops'],
    },
    {
      kind: 'person',
      summary: 'Edit person Ben Okafor',
      make: async () => (await server.call('users.create', { name: 'Ben Okafor', role: 'reviewer' })).id,
      edit: (desktop: Desktop, id: string, value: string) => desktop.call('users.update', { id, role: value as 'auditor' | 'governance_manager' }),
      read: async (caller: Desktop['call'], id: string) => (await caller('users.get', { id })).role,
      field: 'role',
      values: ['auditor', 'governance_manager'],
    },
    {
      kind: 'group',
      summary: 'Edit group Risk Committee',
      make: async () => (await server.call('groups.create', { name: 'Risk Committee' })).id,
      edit: (desktop: Desktop, id: string, value: string) => desktop.call('groups.update', { id, description: value }),
      read: async (caller: Desktop['call'], id: string) => (await caller('groups.get', { id })).description,
      field: 'description',
      values: ['Signs off quarterly', 'Signs off monthly'],
    },
  ] as const

  for (const record of RECORD_EDITS) {
    for (const order of [['alice', 'bob'], ['bob', 'alice']] as const) {
      it(`end with a conflict, not an overwrite, when both edit one ${record.kind} offline, coming back ${order.join(' then ')}`, async () => {
        const [alice, bob] = desktops as [Desktop, Desktop]
        const id = await record.make()
        for (const desktop of desktops) await desktop.call('sync.now', {})
        for (const desktop of desktops) desktop.link.setOnline(false)
        // Neither names a version: each desktop's outbox sends the one it held when the edit was made.
        await record.edit(alice, id, record.values[0])
        await record.edit(bob, id, record.values[1])

        const first = order[0] === 'alice' ? alice : bob
        const second = first === alice ? bob : alice
        const winner = record.values[first === alice ? 0 : 1]
        const loser = record.values[first === alice ? 1 : 0]
        first.link.setOnline(true)
        await first.call('sync.now', {})
        second.link.setOnline(true)
        await settleAll()

        expect(await record.read(server.call, id)).toBe(winner)
        expect((await first.call('sync.status', {})).problems).toEqual([])
        const status = await second.call('sync.status', {})
        expect(status).toMatchObject({ pending: 0, problems: [{ kind: 'conflict', summary: record.summary }] })
        expect(status.problems).toHaveLength(1)
        expect(status.problems[0]!.conflict).toMatchObject({ kind: record.kind, record_id: id, change: 'edit', base_version: 1, current: { version: 2, fields: { [record.field]: winner } } })
        expect(status.problems[0]!.conflict!.your_changes).toEqual([{ path: record.field, before: winner, after: loser }])
        // The loser's desktop shows the server's version meanwhile, as everyone's does.
        expect(await record.read(second.call, id)).toBe(winner)
        expect(await replicatedDigest(second.file)).toBe(await replicatedDigest(server.engine.path))

        // Settled either way: theirs drops the edit; mine sends it over the server's version.
        const choice = first === alice ? 'mine' : 'theirs'
        expect(await second.call('sync.resolve', { command_id: status.problems[0]!.command_id, choice })).toMatchObject({ pending: 0, problems: [] })
        await settleAll()
        const settled = choice === 'mine' ? loser : winner
        expect(await record.read(server.call, id)).toBe(settled)
        for (const desktop of desktops) {
          expect(await record.read(desktop.call, id)).toBe(settled)
          expect(await replicatedDigest(desktop.file)).toBe(await replicatedDigest(server.engine.path))
        }
      })
    }
  }

  it('end with a conflict, not a blind deletion, when one deletes an application’s rule offline that the other’s policy edit changed', async () => {
    const [alice, bob] = desktops as [Desktop, Desktop]
    const [rule] = (await server.call('applications.rules', { id: 'app_claims' })).alert_rules
    for (const desktop of desktops) desktop.link.setOnline(false)
    await alice.call('policies.update', { id: policy.id, alert_rules: [{ metric: 'pii', operator: '>', threshold: 0.5, severity: 'critical' }] })
    // Bob deletes the rule he sees, at 1%; Alice has made it 0.5% meanwhile.
    await bob.call('applications.deleteRule', { id: 'app_claims', rule_id: rule!.id })
    alice.link.setOnline(true)
    await alice.call('sync.now', {})
    bob.link.setOnline(true)
    await settleAll()

    const onServer = (await server.call('applications.rules', { id: 'app_claims' })).alert_rules
    expect(onServer).toEqual([expect.objectContaining({ id: rule!.id, threshold: 0.5, version: 2 })])
    const status = await bob.call('sync.status', {})
    expect(status.problems).toEqual([expect.objectContaining({ kind: 'conflict', procedure: 'applications.deleteRule', summary: 'Delete alert rule PII detection rate on Claims Bot' })])
    expect(status.problems[0]!.conflict).toMatchObject({ kind: 'rule', change: 'delete', base_version: 1, current: { version: 2, fields: { threshold: 0.5 } } })
    // Bob's desktop has the rule back as the server holds it, until he chooses.
    expect((await bob.call('applications.rules', { id: 'app_claims' })).alert_rules).toEqual(onServer)

    await bob.call('sync.resolve', { command_id: status.problems[0]!.command_id, choice: 'mine' })
    await settleAll()
    expect((await server.call('applications.rules', { id: 'app_claims' })).alert_rules).toEqual([])
    expect(await replicatedDigest(bob.file)).toBe(await replicatedDigest(server.engine.path))
  })

  it('holds a later edit of a record behind the refused one it was made on top of', async () => {
    const [alice, bob] = desktops as [Desktop, Desktop]
    bob.link.setOnline(false)
    await bob.call('applications.update', { id: 'app_claims', team: 'Bob’s first' })
    await bob.call('applications.update', { id: 'app_claims', environment: 'staging' })
    await alice.call('applications.update', { id: 'app_claims', team: 'Alice’s' })
    await alice.call('sync.now', {})
    bob.link.setOnline(true)
    const status = await bob.call('sync.now', {})
    expect(status.problems.map((problem) => [problem.kind, problem.conflict?.kind])).toEqual([
      ['conflict', 'application'],
      ['conflict', undefined],
    ])
    expect(status.problems[1]!.message).toContain('after a change of the same application the server refused')
    // Nothing of Bob's reached the server.
    expect(await server.call('applications.get', { id: 'app_claims' })).toMatchObject({ team: 'Alice’s', environment: null, version: 2 })
  })

  it('takes a name the server moved from one policy to another, whatever order the rows come in', async () => {
    const [alice] = desktops as [Desktop, Desktop]
    await server.call('policies.update', { id: policy.id, name: 'Customer Data (retired wording)' })
    await server.call('policies.create', { name: 'Customer Data', alert_rules: [{ metric: 'toxicity', operator: '>', threshold: 5, severity: 'medium' }], scope: { apply_to_all: false, tags: [], application_ids: [] } })
    // The renamed policy changes again, so its row now comes after the one that took its old name.
    await server.call('policies.update', { id: policy.id, description: 'touched after' })
    await server.engine.settle()
    expect(await alice.call('sync.now', {})).toMatchObject({ state: 'online', pending: 0 })
    expect(await replicatedDigest(alice.file)).toBe(await replicatedDigest(server.engine.path))
  })

  it('sets what a refused change did here back to the server’s version, and keeps the refusal as a problem', async () => {
    const [alice] = desktops as [Desktop, Desktop]
    alice.link.setOnline(false)
    await server.call('users.create', { name: 'Ana Ortiz', email: 'ana@example.org' })
    const mine = await alice.call('users.create', { name: 'Ana O.', email: 'ana@example.org' })
    expect((await alice.call('users.list', {})).users.map((user) => user.name)).toContain('Ana O.')
    alice.link.setOnline(true)
    const status = await alice.call('sync.now', {})
    expect(status.problems).toEqual([expect.objectContaining({ kind: 'rejected', procedure: 'users.create', summary: 'Add person Ana O.', message: expect.stringContaining('already belongs') })])
    await expect(alice.call('users.get', { id: mine.id })).rejects.toMatchObject({ code: 'not_found' })
    expect((await alice.call('users.list', {})).users.map((user) => user.name)).toContain('Ana Ortiz')
    expect(await replicatedDigest(alice.file)).toBe(await replicatedDigest(server.engine.path))
    // Dropping it changes nothing more: the server's version is already here.
    expect(await alice.call('sync.resolve', { command_id: status.problems[0]!.command_id, choice: 'theirs' })).toMatchObject({ problems: [], pending: 0 })
  })

  it('pushes a change made here on its own, soon after, while background work runs', async () => {
    const [alice] = desktops as [Desktop, Desktop]
    // Not a speed target: before the first interval's sync could run, only the push the change
    // itself asked for can have brought it to the server.
    const deadline = Date.now() + SYNC_INTERVAL_MS - 1_000
    alice.engine.startBackgroundWork()
    const app = await alice.call('applications.create', { name: 'Pushed Soon' })
    let onServer = false
    while (!onServer && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      onServer = (await server.call('applications.list', { search: 'Pushed Soon' })).applications.some((found) => found.id === app.id)
    }
    expect(onServer).toBe(true)
  })

  it('pulls a first copy, saying how far it has got', async () => {
    for (let n = 0; n < 20; n++) await server.call('applications.create', { name: `Bulk Bot ${n}`, tags: ['governed'] })
    // A policy edited after its requirements were written: its row comes after theirs in the feed.
    await server.call('policies.update', { id: policy.id, description: 'edited after' })
    await server.engine.settle()
    const carol = await openDesktop('carol', folder.path('carol.sqlite'), desktops[0]!.link, START, { pageSize: 3 })
    try {
      const seen: Array<Promise<unknown>> = []
      carol.engine.onChange(() => seen.push(carol.call('sync.status', {}).then((status) => status.progress)))
      await carol.call('sync.connect', { url: desktops[0]!.link.url, token: server.token })
      expect(await carol.call('sync.now', {})).toMatchObject({ state: 'online', pending: 0 })
      const progress = (await Promise.all(seen)).filter((step): step is { done: number; total: number } => step !== undefined)
      expect(progress.length).toBeGreaterThan(3)
      expect(progress.every((step) => step.done <= step.total)).toBe(true)
      expect(await replicatedDigest(carol.file)).toBe(await replicatedDigest(server.engine.path))
    } finally {
      await carol.engine.close()
    }
  })

  it('forgets the token on disconnect, keeps unsent changes, evaluates on its own again, and sends them once connected again', async () => {
    const [alice] = desktops as [Desktop, Desktop]
    const tokenFile = `${alice.file}.token.json`
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(tokenFile, 'utf8')).toContain(server.token)
    expect(readFileSync(alice.file).includes(Buffer.from(server.token))).toBe(false)
    alice.link.setOnline(false)
    await alice.call('applications.create', { name: 'Unsent Bot' })
    expect(await alice.call('sync.disconnect', {})).toMatchObject({ state: 'disconnected', pending: 1 })
    expect(readFileSync(tokenFile, 'utf8')).not.toContain(server.token)
    expect((await alice.call('compliance.evaluate', {})).applications).toBeGreaterThan(0)
    expect((await alice.call('audit.list', { action: 'sync.disconnected' })).events).toHaveLength(1)
    // Changes made while disconnected are kept for the same server too.
    await alice.call('applications.create', { name: 'Made While Disconnected' })
    expect((await alice.call('sync.status', {})).pending).toBe(2)
    alice.link.setOnline(true)
    await alice.call('sync.connect', { url: alice.link.url, token: server.token })
    await settleAll()
    expect((await server.call('applications.list', {})).applications.map((app) => app.name)).toEqual(expect.arrayContaining(['Unsent Bot', 'Made While Disconnected']))
    expect(await replicatedDigest(alice.file)).toBe(await replicatedDigest(server.engine.path))
  })

  it('closes at once while a sync waits on a server that does not answer', async () => {
    const [alice] = desktops as [Desktop, Desktop]
    // Takes the connection and never says a word.
    let connected!: () => void
    const asked = new Promise<void>((resolve) => (connected = resolve))
    const silent = createTcpServer(() => connected())
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`
    await alice.parts.context.bookkeep((tx) => tx.updateTable('sync_state').set({ server_url: silentUrl }).execute())
    await alice.call('applications.create', { name: 'Waiting Bot' })
    const syncing = alice.call('sync.now', {}).then(
      (answer) => JSON.stringify(answer),
      (error: Error) => error.message,
    )
    await asked
    await alice.engine.close()
    // Closing cut the request short rather than waiting out the sync's 30-second deadline.
    expect(await syncing).not.toContain('no answer within 30 seconds')
    silent.close()
    desktops[0] = await openDesktop('alice', alice.file, alice.link, START)
    expect((await desktops[0].call('sync.status', {})).pending).toBe(1)
  })

  it('refuses to connect with a clear reason: unreachable, token refused, not a console', async () => {
    const fresh = await openDesktop('carol', folder.path('carol.sqlite'), desktops[0]!.link, START)
    try {
      await expect(fresh.call('sync.connect', { url: 'http://127.0.0.1:9', token: server.token })).rejects.toMatchObject({ code: 'invalid_input', field: 'url', message: expect.stringContaining('Could not reach') })
      await expect(fresh.call('sync.connect', { url: server.http.url, token: 'gov_wrong' })).rejects.toMatchObject({ field: 'token', message: expect.stringContaining('refused the token') })
      // A web server that is something else: it answers every address with a page.
      const other = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>'))
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
      const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}`
      await expect(fresh.call('sync.connect', { url: otherUrl, token: server.token })).rejects.toMatchObject({ field: 'url', message: expect.stringContaining('did not answer as a Governance Console') })
      await new Promise((resolve) => other.close(resolve))
      expect((await fresh.call('sync.status', {})).state).toBe('disconnected')
      // A workspace with its own applications would lose them to the server's copy.
      await fresh.call('applications.create', { name: 'Local Only' })
      await expect(fresh.call('sync.connect', { url: server.http.url, token: server.token })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('copy of its server') })
    } finally {
      await fresh.engine.close()
    }
  })
})
