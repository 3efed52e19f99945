import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case

/** Ids people can read aloud: a prefix naming the kind (app_, pol_, tok_) and 16 random characters. */
export function newId(prefix: string): string {
  const bytes = randomBytes(16)
  let body = ''
  for (const byte of bytes) body += ALPHABET[byte & 31]
  return `${prefix}_${body}`
}
