/** API tokens: who may call the REST API, stored hashed; the secret is shown once, at creation. */
import { z } from 'zod'
import { Role, Timestamp } from './common'
import { UserId } from './people'

export const TokenId = z.string().regex(/^tok_[A-Za-z0-9_-]+$/, 'must be a token id such as tok_…')

export const ApiToken = z.object({
  id: TokenId,
  name: z.string(),
  role: Role,
  /** The person this token acts for; without one, the token itself is the actor (a pipeline, say). */
  user_id: UserId.nullable(),
  created_at: Timestamp,
  last_used_at: Timestamp.nullable(),
  revoked_at: Timestamp.nullable(),
})
export type ApiToken = z.infer<typeof ApiToken>

export const TokenDraft = z.strictObject({
  name: z.string().trim().min(1, 'A token needs a name (who or what will use it)').max(200),
  /** What it may do; a token acting for a person never does more than that person's role allows. */
  role: Role,
  /** The person it acts for, by id or email. */
  user: z.string().trim().min(1).max(320).optional(),
})
export type TokenDraft = z.infer<typeof TokenDraft>
