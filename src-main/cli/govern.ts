/**
 * `govern`: the console without a desktop. Thin over the engine: each command opens the
 * workspace, does one thing, and closes it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { dirname, extname, join, resolve as absolutePath } from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import type { BinaryFile } from '../../src-shared/api/procedure'
import type { ReportJob } from '../../src-shared/api/reports'
import type { DeploymentGate } from '../../src-shared/domain/attestations'
import type { AuditChainVerification } from '../../src-shared/domain/audit'
import { Role } from '../../src-shared/domain/common'
import { gatherAnchors, verifyAnchoredTrail } from '../engine/audit/anchored-verification'
import { keyFingerprint } from '../engine/audit/checkpoint'
import { createFileKeyStore, type AuditKeyStore } from '../engine/audit/key-store'
import { checkPackageProvenance, verifyPackage } from '../engine/audit/package-verification'
import { DEFAULT_WEBHOOK_TIMEOUT_MS } from '../engine/compliance/notifier'
import { WebhookAllowList } from '../engine/webhooks/destinations'
import { KNOWN_MIGRATIONS } from '../engine/db/migrate'
import { openDatabase } from '../engine/db/open'
import { migrateDatabaseAt } from '../engine/db/postgres'
import { openEngine, type Engine } from '../engine/engine'
import { WorkspaceError } from '../engine/errors'
import { openWorkspaceDatabase } from '../engine/db/workspace-database'
import { workspaceId } from '../engine/db/workspace-identity'
import { defaultAuditKeyFolder, defaultWorkspacePath } from '../engine/workspace/location'
import { dispatch } from '../transport/dispatch'
import { isLoopbackBind, parseAllowedHosts } from '../transport/http/host-check'
import { tokenCommandFor } from '../transport/http/access-guards'
import { jsonLog } from '../transport/http/json-log'
import { DEFAULT_BODY_LIMITS } from '../transport/http/request-body'
import { DEFAULT_REQUESTS_PER_MINUTE } from '../transport/http/token-rate-limit'
import { startServer } from '../transport/http/server'
import { writeFileWhole } from './output-file'
import { isWorkspaceFile } from './workspace-files'
import { stopOnSignals } from './stop-on-signals'

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

const MB = 1024 * 1024

function parseMegabytes(value: string): number {
  const megabytes = Number(value)
  if (!Number.isFinite(megabytes) || megabytes <= 0) throw new InvalidArgumentError('a size is a number of megabytes above 0')
  return megabytes
}

function parseRequestRate(value: string): number {
  const requests = Number(value)
  if (!Number.isInteger(requests) || requests < 0) throw new InvalidArgumentError('a rate is a whole number of requests per minute, or 0 for no limit')
  return requests
}

/** An hour is already longer than any orchestrator waits after SIGTERM before it kills the process. */
function parseGraceSeconds(value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw new InvalidArgumentError('a grace period is a number of seconds from 0 to 3600')
  return seconds
}

function parseWebhookTimeout(value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) throw new InvalidArgumentError('a webhook timeout is a number of seconds from 1 to 300')
  return seconds
}

/** Repeatable, and each a comma-separated list: every entry so far, with this one's. */
function parseWebhookAllow(value: string, previous: string[] | undefined): string[] {
  const parsed = WebhookAllowList.parse([value])
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message)
  return [...(previous ?? []), ...parsed.value.entries]
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535')
  return port
}

function parseAllowedHostList(value: string): string[] {
  const names = parseAllowedHosts(value)
  if (!names.ok) throw new InvalidArgumentError(names.message)
  return names.value
}

/** The built console UI: beside the built CLI (out/main → out/renderer), or in this checkout's out/. */
function consoleUiFolder(): string | undefined {
  return [join(__dirname, '..', 'renderer'), join(process.cwd(), 'out', 'renderer')].find((folder) =>
    existsSync(join(folder, 'index.html')),
  )
}

/** Where a command's workspace is: --db names a file, --database-url (or GOVERN_DATABASE_URL) a PostgreSQL database. */
interface Workspace {
  db: string
  databaseUrl?: string
}

function workspaceOf(options: Workspace): string {
  return options.databaseUrl ?? options.db
}

/**
 * Each workspace's audit signing key, in a folder of files only this user may read (0600), in the
 * user's config directory (GOVERN_AUDIT_KEYS elsewhere): never in or beside the workspace.
 */
function auditKeys(): AuditKeyStore {
  return createFileKeyStore(defaultAuditKeyFolder())
}

/**
 * Opens the workspace for a command that reads or changes one: it must exist. Only `serve` and
 * `migrate` make a new workspace; any other command at a mistyped --db would invent an empty one
 * and answer from it.
 */
async function withEngine<T>(location: string, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(location, { mustExist: true, auditKeys: auditKeys() })
  try {
    return await work(engine)
  } finally {
    await engine.close()
  }
}

export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('govern')
    .description('Governance Console: define AI monitoring policies once and enforce them on every application.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
  const dbOption = (creates = false) =>
    new Option('--db <file>', creates ? 'workspace file (a SQLite database, created if missing)' : 'workspace file (a SQLite database; it must exist)').default(defaultWorkspacePath())
  const databaseUrlOption = () =>
    new Option('--database-url <url>', 'a PostgreSQL database instead of a file: postgres://USER:PASSWORD@HOST:5432/DATABASE')
      .env('GOVERN_DATABASE_URL')
      .conflicts('db')

  program
    .command('migrate')
    .description('Bring a workspace up to date with this version of the console and list the migrations applied: a file, or a PostgreSQL database')
    .addOption(dbOption(true))
    .addOption(databaseUrlOption())
    .action(async (options: Workspace) => {
      const { workspace, applied } = options.databaseUrl ? await migrateDatabaseAt(options.databaseUrl) : await migrateFile(options.db)
      const schema = KNOWN_MIGRATIONS.at(-1)
      if (applied.length === 0) {
        io.out(`${workspace} is up to date (schema ${schema}); nothing to apply.`)
        return
      }
      io.out(`Applied ${applied.length} ${applied.length === 1 ? 'migration' : 'migrations'} to ${workspace}:`)
      for (const name of applied) io.out(`  ${name}`)
      io.out(`It is now at schema ${schema}.`)
    })

  program
    .command('serve')
    .description('Serve the REST API (/api/v1) and the console in a browser, on this workspace')
    .addOption(dbOption(true))
    .addOption(databaseUrlOption())
    .option('--host <address>', 'address to bind; loopback unless you say otherwise', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4780)
    .addOption(
      new Option('--allowed-hosts <names>', 'host names it answers to besides loopback, comma-separated; required with a --host beyond loopback')
        .env('GOVERN_ALLOWED_HOSTS')
        .argParser(parseAllowedHostList),
    )
    .option('--body-limit <MB>', 'largest request body for ordinary calls', parseMegabytes, DEFAULT_BODY_LIMITS.small / MB)
    .option('--bulk-body-limit <MB>', 'largest body for monitoring data and files sent as JSON', parseMegabytes, DEFAULT_BODY_LIMITS.bulk / MB)
    .option('--upload-limit <MB>', 'largest file sent as a request body of its own (CSV or JSON Lines), read as it arrives', parseMegabytes, DEFAULT_BODY_LIMITS.upload / MB)
    .option('--rate-limit <requests>', 'requests per minute each API token may make, then 429 with Retry-After (0: no limit)', parseRequestRate, DEFAULT_REQUESTS_PER_MINUTE)
    .option('--shutdown-grace <seconds>', 'on SIGTERM or SIGINT, how long requests under way may take to finish', parseGraceSeconds, 10)
    .addOption(
      new Option('--webhook-timeout <seconds>', 'how long a policy\'s webhook may take to answer one alert; alerts a process was sending when it died go out from another within four times this')
        .env('GOVERN_WEBHOOK_TIMEOUT')
        .argParser(parseWebhookTimeout)
        .default(DEFAULT_WEBHOOK_TIMEOUT_MS / 1000),
    )
    .addOption(
      new Option('--webhook-allow <host-or-cidr>', 'a webhook destination inside this computer or its network that policies may name and alerts may go to (a host name, an address or a CIDR range; repeat it or separate with commas); all others inside are refused')
        .env('GOVERN_WEBHOOK_ALLOW')
        .argParser(parseWebhookAllow),
    )
    .action(async (options: Workspace & { host: string; port: number; allowedHosts?: string[]; bodyLimit: number; bulkBodyLimit: number; uploadLimit: number; rateLimit: number; shutdownGrace: number; webhookTimeout: number; webhookAllow?: string[] }) => {
      if (!isLoopbackBind(options.host) && !options.allowedHosts) {
        throw new CliFailure(`--host ${options.host} is reachable beyond this computer; list the names it is reached by with --allowed-hosts (or GOVERN_ALLOWED_HOSTS), e.g. --allowed-hosts governance.example.com,10.0.0.5`)
      }
      const engine = await openEngine(workspaceOf(options), { evaluateInWorker: true, webhookTimeoutMs: options.webhookTimeout * 1000, webhookAllow: options.webhookAllow, auditKeys: auditKeys() })
      const log = jsonLog()
      let server
      try {
        const bodyLimits = { small: options.bodyLimit * MB, bulk: options.bulkBodyLimit * MB, upload: options.uploadLimit * MB }
        server = await startServer({ engine, host: options.host, port: options.port, staticRoot: consoleUiFolder(), allowedHosts: options.allowedHosts, bodyLimits, requestsPerMinute: options.rateLimit, log })
      } catch (error) {
        await engine.close()
        throw error
      }
      engine.startBackgroundWork()
      io.out(`Governance Console is serving ${engine.path}`)
      io.out(`  Console (sign-in link for this run): ${server.loginUrl}`)
      io.out(`  REST API: ${server.url}/api/v1  (Authorization: Bearer <token from \`${tokenCommandFor(engine.path)}\`>)`)
      if (options.webhookAllow) io.out(`  Webhooks may also go to: ${options.webhookAllow.join(', ')}`)
      if (!isLoopbackBind(options.host)) {
        io.err(`  Warning: bound to ${options.host}, reachable beyond this computer as ${options.allowedHosts?.join(', ')}.`)
      }
      stopOnSignals(async (signal) => {
        log({ level: 'info', msg: `${signal}: refusing new connections; requests under way have ${options.shutdownGrace} s to finish` })
        const { cutShort } = await server.close(options.shutdownGrace * 1000)
        if (cutShort > 0) log({ level: 'warn', msg: `${cutShort} request(s) were still under way after ${options.shutdownGrace} s and were cut short` })
        await engine.close()
        log({ level: 'info', msg: 'stopped' })
      }, log)
    })

  const token = program.command('token').description('Manage API tokens for the REST API')
  token
    .command('create')
    .description('Create an API token and print it (it is stored hashed and shown only once)')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .requiredOption('--name <name>', 'who or what will use the token, e.g. "ci-pipeline"')
    .addOption(new Option('--role <role>', 'what the token may do').choices(Role.options).default('org_admin'))
    .option('--user <id-or-email>', 'the directory user the token acts for (recorded as the actor of its changes)')
    .action(async (options: Workspace & { name: string; role: string; user?: string }) => {
      await withEngine(workspaceOf(options), async (engine) => {
        const { token: created, secret } = await engine.tokens.create(options)
        io.out(secret)
        io.err(`Created ${created.id} "${created.name}" (${created.role}). Keep the token safe: it cannot be shown again.`)
      })
    })
  token
    .command('list')
    .description('List API tokens (never their secrets)')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .action(async (options: Workspace) => {
      await withEngine(workspaceOf(options), async (engine) => {
        for (const t of await engine.tokens.list()) {
          const state = t.revoked_at ? `revoked ${t.revoked_at}` : t.last_used_at ? `last used ${t.last_used_at}` : 'never used'
          io.out(`${t.id}\t${t.name}\t${t.role}\t${state}`)
        }
      })
    })
  token
    .command('revoke')
    .description('Revoke an API token by id (tok_…)')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .argument('<id>', 'the token id shown by `govern token list`')
    .action(async (id: string, options: Workspace) => {
      await withEngine(workspaceOf(options), async (engine) => {
        await engine.tokens.revoke(id)
        io.out(`Revoked ${id}`)
      })
    })

  program
    .command('import')
    .description('Import per-inference events (JSONL or CSV: timestamp, latency_ms, error, pii, toxicity, …) into an application; all lines or none')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .requiredOption('--app <id>', 'the application the events belong to (app_…)')
    .addOption(new Option('--format <format>', 'file format; by default from the extension (.jsonl, .ndjson, .csv)').choices(['jsonl', 'csv']))
    .argument('<file>', 'the events file')
    .action(async (file: string, options: Workspace & { app: string; format?: 'jsonl' | 'csv' }) => {
      const format = options.format ?? formatFromExtension(file)
      if (!format) throw new CliFailure(`cannot tell the format of ${file} from its extension; pass --format jsonl or --format csv`)
      try {
        if (!statSync(file).isFile()) throw new Error('it is not a file')
      } catch (error) {
        throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`)
      }
      if (!options.databaseUrl && isWorkspaceFile(file, options.db)) throw new CliFailure(`${file} is the workspace itself (or a file SQLite keeps beside it), not a file of events`)
      await withEngine(workspaceOf(options), async (engine) => {
        // The file is read as it streams in: a large import never sits in memory whole.
        const ctx = { actor: await engine.owner(), upload: createReadStream(file) }
        const result = await dispatch(engine, 'inferences.import', { id: options.app, format }, ctx, (message) => io.err(message))
        if (!result.ok) throw new CliFailure(result.error.message)
        const r = result.value as { events: number; buckets: number; duplicate_batch: boolean; first_timestamp: string | null; last_timestamp: string | null; ignored_fields: string[] }
        if (r.duplicate_batch) io.out(`${file} was imported before; nothing changed.`)
        else io.out(`Imported ${r.events} events into ${r.buckets} hourly buckets (${r.first_timestamp} to ${r.last_timestamp}).`)
        if (r.ignored_fields.length > 0) io.err(`Ignored columns: ${r.ignored_fields.join(', ')}`)
        await engine.settle()
      })
    })

  program
    .command('check')
    .description('The deployment gate, for a pipeline before it deploys: allowed or warned (exit 0), blocked (exit 1), with the reasons')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .requiredOption('--app <id>', 'the application about to be deployed (app_…)')
    .option('--json', 'print the gate as JSON, as GET /api/v1/applications/{id}/deployment-gate answers')
    .action(async (options: Workspace & { app: string; json?: boolean }) => {
      const gate = await withEngine(workspaceOf(options), async (engine) => {
        const result = await dispatch(engine, 'applications.deploymentGate', { id: options.app }, { actor: await engine.owner() }, (message) => io.err(message))
        if (!result.ok) throw new CliFailure(result.error.message)
        return result.value as DeploymentGate
      })
      if (options.json) io.out(JSON.stringify(gate, null, 2))
      else {
        io.out(`${gate.decision.toUpperCase()}: ${gate.application_name} (${gate.application_id}), as of ${gate.evaluated_at}`)
        for (const reason of gate.reasons) io.out(`  ${reason.decision} · ${reason.policy_name} · ${reason.requirement ?? reason.kind} · since ${reason.since}: ${reason.message}`)
      }
      if (gate.decision === 'blocked') throw new CliExit(1)
    })

  program
    .command('report')
    .description('Generate the compliance report: a PDF, the CSV tables (zipped) or the audit package, for now or --as-of a past moment')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .addOption(new Option('--format <format>', 'pdf, csv (a zip of one CSV per table) or package (PDF, CSVs, JSON, audit-trail extract, manifest)').choices(['pdf', 'csv', 'package']).makeOptionMandatory())
    .option('--policy <id>', 'one policy (pol_…) rather than the whole organisation')
    .option('--app <id>', 'one application (app_…)')
    .option('--as-of <timestamp>', 'the moment to report on, e.g. 2026-03-31T23:59:59Z (default: now)')
    .requiredOption('--out <path>', 'where to write the file')
    .action(async (options: Workspace & { format: 'pdf' | 'csv' | 'package'; policy?: string; app?: string; asOf?: string; out: string }) => {
      assertWritableOut(options.out, options.databaseUrl ? undefined : options.db)
      await withEngine(workspaceOf(options), async (engine) => {
        const ctx = { actor: await engine.owner() }
        const call = async <T>(procedure: Parameters<typeof dispatch>[1], input: unknown): Promise<T> => {
          const result = await dispatch(engine, procedure, input, ctx, (message) => io.err(message))
          if (!result.ok) throw new CliFailure(result.error.field ? `${result.error.field}: ${result.error.message}` : result.error.message)
          return result.value as T
        }
        const request = { format: options.format, policy_id: options.policy, application_id: options.app, as_of: options.asOf }
        let job = await call<ReportJob>('reports.start', request)
        // On a terminal, one line that says how far it has got; in a pipeline, nothing but the result.
        const tty = process.stderr.isTTY === true
        while (job.state === 'running') {
          if (tty) process.stderr.write(`\r${job.progress.activity} (${job.progress.done}/${job.progress.total})\x1b[K`)
          await new Promise((resolve) => setTimeout(resolve, 100))
          job = await call<ReportJob>('reports.job', { id: job.id })
        }
        if (tty) process.stderr.write('\r\x1b[K')
        if (job.state !== 'done') throw new CliFailure(`the report ${job.state}${job.error ? `: ${job.error}` : ''}`)
        const file = await call<BinaryFile>('reports.file', { id: job.id })
        try {
          writeFileWhole(options.out, Buffer.from(file.content_base64, 'base64'))
        } catch (error) {
          throw new CliFailure(`cannot write ${options.out}: ${(error as Error).message}; what was there is left as it was`)
        }
        io.out(`Wrote ${options.out} (${job.result!.size.toLocaleString('en')} bytes, SHA-256 ${job.result!.sha256})`)
      })
    })

  program
    .command('audit')
    .description('Check the audit trail')
    .command('verify')
    .description(
      'Check the audit trail against its hash chain and the newest head signed with the workspace’s key (exit 0 intact, 1 broken, naming the first bad event), or an audit package against its manifest and signature (and, with --db, against the workspace it came from)',
    )
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .option('--package <file>', 'an audit package (.zip) to check against its manifest.json, its trail against its chain head, and that head against its signature; with --db, also against that workspace')
    .option(
      '--fingerprint <sha256>',
      'trust the signing key with this fingerprint (64 hex digits, as a package or another computer’s verify printed it), besides the keys kept in this user’s key folder; may be given more than once',
      (value: string, previous: string[] = []) => [...previous, parseFingerprint(value)],
    )
    .action(async (options: Workspace & { package?: string; fingerprint?: string[] }, command: Command) => {
      const fingerprints = options.fingerprint ?? []
      if (options.package) return verifyAuditPackage(options.package, command.getOptionValueSource('db') === 'cli' ? options.db : undefined, fingerprints, io)
      // Opened without the key: checking the trail must never sign it.
      const { database, label } = await openWorkspaceDatabase(workspaceOf(options), { mustExist: true })
      let verification: AuditChainVerification
      try {
        const anchors = await gatherAnchors({ location: label, workspaceId: await workspaceId(database.reader), keys: auditKeys(), fingerprints })
        verification = await verifyAnchoredTrail(database.reader, anchors)
      } finally {
        await database.close()
      }
      if (!verification.ok) {
        io.out(verification.first_bad.message)
        io.out(`${verification.events_checked.toLocaleString('en-US')} events before it are intact.`)
        throw new CliExit(1)
      }
      io.out(`Audit trail intact: ${verification.events.toLocaleString('en-US')} events, each chained to the one before it.`)
      io.out(`Head ${verification.head}`)
      const signed = verification.checkpoint
      if (signed) {
        const after = signed.events_after === 0 ? 'it covers every event' : `${signed.events_after.toLocaleString('en-US')} provisional ${signed.events_after === 1 ? 'event' : 'events'} after it`
        io.out(`Checked against the signed head of event ${signed.event_id.toLocaleString('en-US')} (signed ${signed.at}, found in ${signed.source}): ${after}.`)
        io.out(`Signing key fingerprint ${signed.fingerprint} (${signed.trusted_because}).`)
      }
      for (const note of verification.notes ?? []) io.out(`Note: ${note}`)
    })

  program
    .command('info')
    .description('Show the workspace file, its schema version and what it holds')
    .addOption(dbOption())
    .addOption(databaseUrlOption())
    .action(async (options: Workspace) => {
      await withEngine(workspaceOf(options), async (engine) => {
        const info = await engine.handlers['workspace.info']({}, { actor: await engine.owner() })
        io.out(`workspace ${info.path}\nschema ${info.schema_version}\napplications ${info.application_count}`)
      })
    })
  return program
}

async function verifyAuditPackage(file: string, workspace: string | undefined, fingerprints: readonly string[], io: CliIo): Promise<void> {
  // The package is read before the workspace is opened: were it the workspace file itself, closing
  // a handle on it later would drop the locks SQLite holds on it.
  const verification = verifyPackage(file)
  // Exit 1 says "tampered", so anything it cannot check answers 2: a missing workspace before a word is said.
  const database = workspace === undefined ? undefined : await openDatabase(workspace, { mustExist: true })
  try {
    if (verification.status === 'unreadable') throw new CliFailure(`cannot verify ${file}: ${verification.problems.join('; ')}`)
    if (verification.status === 'tampered') {
      io.out(`Audit package ${file} does not match its manifest:`)
      for (const problem of verification.problems) io.out(`  ${problem}`)
      throw new CliExit(1)
    }
    const { manifest, trail } = verification
    io.out(`Audit package intact: all ${manifest.files.length} files match manifest.json.`)
    io.out(trail.events === 0 ? 'Its audit trail extract is empty: nothing was recorded in the period.' : `Its audit trail extract (events ${trail.first_id} to ${trail.last_id}) chains to the head the manifest names.`)
    io.out(`Workspace ${manifest.workspace_id}, as of ${manifest.as_of}, audit chain head ${manifest.audit_chain_head}`)
    const signed = manifest.audit_checkpoint
    if (signed) {
      const fingerprint = keyFingerprint(signed.public_key)
      io.out(`Its head (event ${signed.event_id.toLocaleString('en-US')}) is signed with the key whose fingerprint is ${fingerprint}, signed ${signed.at}.`)
      if (fingerprints.length > 0 && !fingerprints.includes(fingerprint)) {
        io.out(`The package is signed with another key than the one you named (${fingerprints.join(', ')}).`)
        throw new CliExit(1)
      }
      if (fingerprints.length === 0 && database === undefined) io.out('Compare that fingerprint with the one `govern audit verify` prints for the workspace, or pass it as --fingerprint.')
    } else io.out('It carries no signed head: its workspace signed nothing when it was made (or the signature was taken out).')
    if (database === undefined) return
    const anchors = await gatherAnchors({ location: workspace!, workspaceId: await workspaceId(database.reader), keys: auditKeys(), fingerprints })
    const provenance = await checkPackageProvenance(database.reader, verification, anchors)
    if (!provenance.ok) {
      io.out(`The package does not match the workspace ${workspace}:`)
      for (const problem of provenance.problems) io.out(`  ${problem}`)
      throw new CliExit(1)
    }
    io.out(`It matches the workspace ${workspace}: ${provenance.head_event === null ? 'both trails were empty then' : `its head is event ${provenance.head_event} of the workspace's intact chain`}.`)
  } finally {
    await database?.close()
  }
}

/** Refused before any work is done: a report that could never be saved there. */
function assertWritableOut(out: string, workspace: string | undefined): void {
  if (workspace !== undefined && isWorkspaceFile(out, workspace)) throw new CliFailure(`--out ${out} is the workspace itself (or a file SQLite keeps beside it); write the report to another file`)
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new CliFailure(`--out ${out} is a folder; name the file to write in it`)
  const folder = dirname(absolutePath(out))
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new CliFailure(`cannot write ${out}: there is no folder ${folder}`)
}

async function migrateFile(file: string): Promise<{ workspace: string; applied: readonly string[] }> {
  const database = await openDatabase(file)
  await database.close()
  return { workspace: file, applied: database.migrated }
}

function parseFingerprint(value: string): string {
  const fingerprint = value.replaceAll(/[\s:]/g, '').toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new InvalidArgumentError('a fingerprint is the SHA-256 of the key: 64 hex digits')
  return fingerprint
}

function formatFromExtension(file: string): 'jsonl' | 'csv' | undefined {
  const extension = extname(file).toLowerCase()
  return extension === '.jsonl' || extension === '.ndjson' ? 'jsonl' : extension === '.csv' ? 'csv' : undefined
}

/** A command that failed for a reason the user can act on: printed as is, exit code 2. */
class CliFailure extends Error {}

/** A command that answered, with an exit code other than 0 (a blocked deployment gate: 1). */
class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

/** Runs one command; resolves with the exit code (serve keeps running after it resolves). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (error instanceof CliExit) return error.code
    if (error instanceof WorkspaceError && error.reason === 'no_workspace') {
      io.err(`govern: ${error.message} Check --db (or GOVERN_WORKSPACE); only \`govern serve\` and \`govern migrate\` make a new workspace.`)
      return 2
    }
    if (error instanceof WorkspaceError || (error as { code?: string }).code === 'not_found') {
      io.err(`govern: ${(error as Error).message}`)
      return 2
    }
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      io.err(`govern: that port is already in use; pass --port with another (or 0 for any free one).`)
      return 2
    }
    if (error instanceof CliFailure || (error as { name?: string }).name === 'EngineError') {
      io.err(`govern: ${(error as Error).message}`)
      return 2
    }
    throw error
  }
}

export function main(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      if (code !== 0) process.exit(code)
    },
    (error: unknown) => {
      process.stderr.write(`govern: ${(error as Error).message}\n`)
      process.exit(1)
    },
  )
}

if (require.main === module) main(process.argv.slice(2))
