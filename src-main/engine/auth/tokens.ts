/**
 * API tokens for the REST API. The secret is shown once, at creation; only its SHA-256 is stored.
 * Tokens are 256 random bits, so a plain hash is enough (no slow KDF is needed against guessing).
 */
import { createHash, randomBytes } from 'node:crypto'
import { effectiveTokenRole } from '../../../src-shared/api/access'
import { Role, type Actor } from '../../../src-shared/domain/common'
import type { ApiToken } from '../../../src-shared/domain/tokens'
import { recordAudit } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { newId } from '../ids'

const TOKEN_PREFIX = 'gov_'

export type ApiTokenInfo = ApiToken

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export function generateSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export async function createApiToken(
  engine: EngineContext,
  ctx: CallContext,
  input: { name: string; role: string; user?: string },
): Promise<{ token: ApiTokenInfo; secret: string }> {
  const name = input.name.trim()
  if (!name) throw new EngineError('invalid_input', 'A token needs a name (who or what will use it)', 'name')
  const role = Role.safeParse(input.role)
  if (!role.success) {
    throw new EngineError('invalid_input', `Unknown role "${input.role}"; use one of ${Role.options.join(', ')}`, 'role')
  }
  const secret = generateSecret()
  const now = engine.nowIso()
  return engine.mutate(['tokens'], async (tx) => {
    const user = input.user ? await findUserByIdOrEmail(tx, input.user) : undefined
    if (input.user && !user) throw new EngineError('invalid_input', `No user with id or email ${input.user}`, 'user')
    if (user?.deactivated_at) throw new EngineError('invalid_input', `${input.user} is deactivated; reactivate them before giving them a token`, 'user')
    const token: ApiTokenInfo = { id: newId('tok'), name, role: role.data, user_id: user?.id ?? null, created_at: now, last_used_at: null, revoked_at: null }
    await tx.insertInto('api_tokens').values({ ...token, token_hash: hashToken(secret) }).execute()
    await recordAudit(tx, ctx.actor, now, { action: 'token.created', entityType: 'api_token', entityId: token.id, after: token })
    return { token, secret }
  })
}

export async function listApiTokens(db: Db): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'user_id', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at')
    .execute()
  return rows.map((row) => ({ ...row, role: Role.parse(row.role) }))
}

export async function revokeApiToken(engine: EngineContext, ctx: CallContext, id: string): Promise<ApiTokenInfo> {
  return engine.mutate(['tokens'], async (tx) => {
    const before = (await listApiTokens(tx)).find((token) => token.id === id)
    if (!before) throw new EngineError('not_found', `No API token with id ${id}`, 'id')
    if (before.revoked_at) return before
    const now = engine.nowIso()
    await tx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).execute()
    const after = { ...before, revoked_at: now }
    await recordAudit(tx, ctx.actor, now, { action: 'token.revoked', entityType: 'api_token', entityId: id, before, after })
    return after
  })
}

/** A token's last use is recorded at most once a minute. */
const LAST_USE_RESOLUTION_MS = 60_000

/** The actor behind a bearer secret, or undefined when it is unknown, revoked, or acts for a deactivated person. */
export async function authenticateToken(engine: EngineContext, secret: string, generation?: string): Promise<Actor | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined
  const hash = hashToken(secret)
  const known = generation === undefined ? undefined : checkedTokens(engine, generation)
  // Requests with one token arriving together after a change share its look-up.
  let checking = known?.get(hash)
  if (!checking) {
    checking = lookUpToken(engine, hash)
    if (known && known.size < KEPT_TOKENS) {
      known.set(hash, checking)
      // Only tokens that act are kept: an unknown one is looked up again.
      const forget = () => known.delete(hash)
      void checking.then((checked) => checked ?? forget(), forget)
    }
  }
  const checked = await checking
  if (!checked) return undefined
  recordLastUse(engine, checked.tokenId, checked.lastUsedAt)
  return checked.actor
}

/** One round trip: the token, with the person it acts for. */
async function lookUpToken(engine: EngineContext, hash: string): Promise<CheckedToken | undefined> {
  const row = await engine.db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'users.id as user_id', 'users.name as user_name', 'users.role as user_role', 'users.deactivated_at'])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst()
  if (!row || row.revoked_at) return undefined
  // A token acts for its person only while they are active, and never with more than their role now.
  if (row.deactivated_at) return undefined
  const actor: Actor =
    row.user_id !== null && row.user_name !== null && row.user_role !== null
      ? { id: row.user_id, name: row.user_name, role: effectiveTokenRole(Role.parse(row.role), Role.parse(row.user_role)) }
      : { id: row.id, name: `${row.name} (API token)`, role: Role.parse(row.role) }
  return { actor, tokenId: row.id, lastUsedAt: row.last_used_at }
}

/** Tokens answered under one generation: more than any organisation has in use at once. */
const KEPT_TOKENS = 10_000

interface CheckedToken {
  actor: Actor
  tokenId: string
  lastUsedAt: string | null
}

const tokensChecked = new WeakMap<EngineContext, { generation: string; tokens: Map<string, Promise<CheckedToken | undefined>> }>()

/**
 * The tokens checked while the workspace stood at `generation` (read before the check). Until it
 * changes, no token, person or role has either: a server's requests then cost no look-up. Any
 * commit (a revocation, a deactivation, another process's write) starts afresh.
 */
function checkedTokens(engine: EngineContext, generation: string): Map<string, Promise<CheckedToken | undefined>> {
  const kept = tokensChecked.get(engine)
  if (kept?.generation === generation) return kept.tokens
  const tokens = new Map<string, Promise<CheckedToken | undefined>>()
  tokensChecked.set(engine, { generation, tokens })
  return tokens
}

const lastUseRecorded = new WeakMap<EngineContext, Map<string, number>>()

/**
 * Last use is bookkeeping, not a change anyone audits: recorded in the background, never making a
 * request wait for the write lock, and skipped when this process recorded it a moment ago.
 */
function recordLastUse(engine: EngineContext, tokenId: string, storedAt: string | null): void {
  const now = engine.clock.now().getTime()
  let recorded = lastUseRecorded.get(engine)
  if (!recorded) lastUseRecorded.set(engine, (recorded = new Map()))
  const latest = Math.max(storedAt ? Date.parse(storedAt) : 0, recorded.get(tokenId) ?? 0)
  if (now - latest <= LAST_USE_RESOLUTION_MS) return
  recorded.set(tokenId, now)
  const at = new Date(now).toISOString()
  void engine
    .bookkeep((tx) => tx.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)])).execute())
    .catch(() => recorded.delete(tokenId))
}

async function findUserByIdOrEmail(db: Db, idOrEmail: string): Promise<{ id: string; deactivated_at: string | null } | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'deactivated_at'])
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail.toLowerCase())]))
    .executeTakeFirst()
}
