/**
 * A server and desktops for sync tests: a real engine behind a real HTTP server on loopback, and
 * desktop engines on their own workspace files that reach it through a link the test can cut
 * (a loopback TCP relay), so each desktop goes offline and comes back on its own.
 */
import { createHash } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { Engine, EngineOptions } from '../engine/engine'
import { FileCredentialStore } from '../engine/sync/file-credentials'
import { REPLICATED_TABLES } from '../engine/sync/replicated-tables'
import type { SyncTuning } from '../engine/sync/sync-service'
import { startServer, type RunningServer } from '../transport/http/server'
import { withRawWorkspace } from './engine-database'
import { caller, openDesktopTestEngine, openTestEngine, type TestEngine } from './workspace'

/** A TCP relay to the server that can be cut (every connection refused and dropped) and restored. */
export class SwitchableLink {
  private online = true
  private readonly sockets = new Set<Socket>()
  private constructor(
    private readonly relay: Server,
    readonly url: string,
  ) {}

  static async to(target: string): Promise<SwitchableLink> {
    const { hostname, port } = new URL(target)
    let link: SwitchableLink | undefined
    const relay = createServer((client) => {
      if (!link?.online) return client.destroy()
      const upstream = connect(Number(port), hostname)
      for (const socket of [client, upstream]) {
        link.sockets.add(socket)
        socket.on('close', () => link?.sockets.delete(socket))
        socket.on('error', () => undefined)
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const address = relay.address() as { port: number }
    link = new SwitchableLink(relay, `http://127.0.0.1:${address.port}`)
    return link
  }

  setOnline(online: boolean): void {
    this.online = online
    if (!online) for (const socket of this.sockets) socket.destroy()
  }

  close(): Promise<void> {
    this.setOnline(false)
    return new Promise((resolve) => this.relay.close(() => resolve()))
  }
}

export interface Desktop {
  name: string
  file: string
  link: SwitchableLink
  parts: TestEngine
  engine: Engine
  call: ReturnType<typeof caller>
}

/** Opens (or reopens) a desktop on its file, its token kept in a file beside it; `options` adds to how its engine is opened (its audit keys). */
export async function openDesktop(name: string, file: string, link: SwitchableLink, start: string, syncTuning?: SyncTuning, options: EngineOptions = {}): Promise<Desktop> {
  const parts = await openDesktopTestEngine(file, start, { ...options, credentials: new FileCredentialStore(`${file}.token.json`), syncTuning })
  return { name, file, link, parts, engine: parts.engine, call: caller(parts.engine) }
}

export interface SyncServer {
  parts: TestEngine
  engine: Engine
  http: RunningServer
  /** An org admin's API token on the server: what each desktop connects with. */
  token: string
  call: ReturnType<typeof caller>
  close(): Promise<void>
}

export async function startSyncServer(file: string, start: string, options: EngineOptions = {}): Promise<SyncServer> {
  const parts = await openTestEngine(file, start, options)
  const http = await startServer({ engine: parts.engine, port: 0, log: () => undefined, requestsPerMinute: 0 })
  const { secret } = await parts.engine.tokens.create({ name: 'desktops', role: 'org_admin' })
  return {
    parts,
    engine: parts.engine,
    http,
    token: secret,
    call: caller(parts.engine),
    close: async () => {
      await http.close(0)
      await parts.engine.close()
    },
  }
}

/**
 * A fingerprint of the replicated tables only, as committed: what a desktop and its server must
 * agree on. A desktop's own audit events (ids below zero) are its own, and left out.
 */
export async function replicatedDigest(location: string): Promise<string> {
  return createHash('sha256').update(JSON.stringify(await replicatedRows(location))).digest('hex')
}

/** On a desktop's file, or on the server's workspace wherever the tests keep it (engine-database.ts). */
export function replicatedRows(location: string): Promise<Record<string, string[]>> {
  return withRawWorkspace(location, async (db) => {
    const tables: Record<string, string[]> = {}
    for (const table of Object.keys(REPLICATED_TABLES)) {
      let query = db.selectFrom(table).selectAll()
      if (table === 'audit_events') query = query.where('id', '>', 0)
      tables[table] = (await query.execute()).map((row) => JSON.stringify(row)).sort()
    }
    return tables
  })
}
