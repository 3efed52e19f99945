/**
 * A signed checkpoint of the audit chain's head: which chain, the newest event's id and hash, and
 * when, signed with the workspace's Ed25519 key. The key is kept outside the workspace (the OS
 * keychain, or a file only its user may read), so whoever holds the workspace file alone cannot
 * sign a head: rewriting, shortening or extending the trail shows against the newest checkpoint.
 * The encoding is frozen: a checkpoint signed today must verify for good.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { SignedCheckpoint } from '../../../src-shared/domain/audit'

/** What a checkpoint says: event `event_id` of `chain`'s trail has hash `hash`, signed at `at`. */
export interface AuditCheckpoint {
  /** Whose chain: a workspace's id (a connected desktop's trail is its server's chain). */
  chain: string
  event_id: number
  hash: string
  at: string
}

export { SignedCheckpoint }

const FORMAT = 'governance-console-audit-checkpoint/1'

/** The bytes signed: a JSON array, strings quoted and escaped, so no two checkpoints encode alike. */
export function checkpointBytes(checkpoint: AuditCheckpoint): Buffer {
  return Buffer.from(JSON.stringify([FORMAT, checkpoint.chain, checkpoint.event_id, checkpoint.hash, checkpoint.at]))
}

/** SHA-256 (hex) of the raw public key: what people compare, and what packages carry. */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex')
}

/** "3f9a1c0b 7e2d4a5f …": the fingerprint in groups of eight, for reading aloud. */
export function readableFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,8}/g)!.join(' ')
}

function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' })
}

/** Whether the checkpoint's signature holds for its own public key (whether that key is trusted is the verifier's question). */
export function signatureHolds(checkpoint: SignedCheckpoint): boolean {
  try {
    return verify(null, checkpointBytes(checkpoint), publicKeyObject(checkpoint.public_key), Buffer.from(checkpoint.signature, 'base64'))
  } catch {
    return false
  }
}

/** Signs heads of the audit chain with one workspace's key. */
export interface AuditSigner {
  /** The public half: 32 raw bytes, base64. */
  readonly publicKey: string
  readonly fingerprint: string
  sign(checkpoint: AuditCheckpoint): SignedCheckpoint
}

/** A new Ed25519 private key, as PKCS#8 PEM: what a key store keeps. */
export function newSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
}

/** The public half of a PKCS#8 PEM private key, as raw bytes in base64. */
export function publicKeyOf(privateKeyPem: string): string {
  const jwk = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'jwk' })
  return Buffer.from(jwk.x!, 'base64url').toString('base64')
}

export function signerFor(privateKeyPem: string): AuditSigner {
  const privateKey = createPrivateKey(privateKeyPem)
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('An audit signing key is an Ed25519 key')
  const publicKey = publicKeyOf(privateKeyPem)
  return {
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    sign: (checkpoint) => ({
      chain: checkpoint.chain,
      event_id: checkpoint.event_id,
      hash: checkpoint.hash,
      at: checkpoint.at,
      public_key: publicKey,
      signature: sign(null, checkpointBytes(checkpoint), privateKey).toString('base64'),
    }),
  }
}
