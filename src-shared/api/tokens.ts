/** API tokens, administered by org admins over the API as `govern token` does on the workspace file. */
import { z } from 'zod'
import { ApiToken, TokenDraft, TokenId } from '../domain/tokens'
import { procedure } from './procedure'

export const tokensApi = {
  'tokens.list': procedure({
    summary: 'List API tokens, with whom they act for and when each was last used (never their secrets).',
    access: 'administer',
    input: z.strictObject({}),
    output: z.object({ tokens: z.array(ApiToken) }),
    rest: { method: 'GET', path: '/tokens' },
  }),
  'tokens.create': procedure({
    summary: 'Create an API token; its secret is in this answer only, and only its hash is kept.',
    access: 'administer',
    input: TokenDraft,
    output: z.object({ token: ApiToken, secret: z.string() }),
    rest: { method: 'POST', path: '/tokens', status: 201 },
  }),
  'tokens.revoke': procedure({
    summary: 'Revoke an API token: it stops working at once; its record stays.',
    access: 'administer',
    input: z.strictObject({ id: TokenId }),
    output: ApiToken,
    rest: { method: 'DELETE', path: '/tokens/{id}' },
  }),
}
