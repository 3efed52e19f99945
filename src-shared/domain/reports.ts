/**
 * Audit reports: what the policies required, which applications met them and when they did not,
 * who signed off and which exceptions were accepted, for the organisation, one policy or one
 * application, at now or any past moment. `ReportData` is the report itself, as the JSON export
 * carries it; the PDF and the CSV files are drawn from it, so they cannot say different things.
 */
import { z } from 'zod'
import { ApplicationId } from './application'
import { Attestation, AttestationException } from './attestations'
import { SignedCheckpoint } from './audit'
import { Timestamp } from './common'
import { ComplianceStatus, Gap, PolicyStatus, StatusCounts, TrendPoint } from './compliance'
import { PolicyDefinition, PolicyId } from './policy'
import { Operator, Severity } from './rules'

export const REPORT_FORMATS = ['pdf', 'csv', 'package'] as const
export const ReportFormat = z.enum(REPORT_FORMATS, { error: `format must be one of: ${REPORT_FORMATS.join(', ')}` })
export type ReportFormat = z.infer<typeof ReportFormat>

/** What a report covers: everything, one policy, or one application; at `as_of`, or now. */
export const ReportScope = z.strictObject({
  policy_id: PolicyId.optional(),
  application_id: ApplicationId.optional(),
  as_of: Timestamp.optional(),
})
export type ReportScope = z.infer<typeof ReportScope>

export const ReportPolicy = z.object({
  id: PolicyId,
  name: z.string(),
  /** The version in force at the report's moment, and since when. */
  version: z.number().int(),
  version_created_at: Timestamp,
  definition: PolicyDefinition,
})
export type ReportPolicy = z.infer<typeof ReportPolicy>

export const ReportApplication = z.object({
  id: ApplicationId,
  name: z.string(),
  team: z.string().nullable(),
  environment: z.string().nullable(),
  tags: z.array(z.string()),
  /** The worst status across its policies; null when none covers it. */
  status: ComplianceStatus.nullable(),
  policies: z.array(PolicyStatus),
})
export type ReportApplication = z.infer<typeof ReportApplication>

/** One alert rule an application must carry, with the policies that require it (the strictest wins). */
export const InventoryRule = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  requirement: z.string(),
  name: z.string(),
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
  window_hours: z.number().int(),
  sources: z.array(z.object({ policy_id: PolicyId, policy_name: z.string(), policy_version: z.number().int() })),
})
export type InventoryRule = z.infer<typeof InventoryRule>

export const ReportData = z.object({
  /** The format of this JSON, for readers years from now. */
  format: z.literal('governance-console-report/1'),
  scope: z.object({
    kind: z.enum(['organization', 'policy', 'application']),
    policy_id: PolicyId.nullable(),
    policy_name: z.string().nullable(),
    application_id: ApplicationId.nullable(),
    application_name: z.string().nullable(),
  }),
  /** The moment the report describes. */
  as_of: Timestamp,
  /** The first day of the compliance-over-time chart; the report's period runs from it to `as_of`. */
  period_start: Timestamp,
  summary: z.object({
    application_counts: StatusCounts,
    /** Applications in scope covered by no policy. */
    not_covered: z.number().int(),
    policies: z.array(z.object({ id: PolicyId, name: z.string(), version: z.number().int(), counts: StatusCounts, total: z.number().int() })),
    open_gaps: z.number().int(),
    resolved_gaps: z.number().int(),
    attestations: z.number().int(),
    active_exceptions: z.number().int(),
    /** Application × policy status counts at the end of each day of the period. */
    trend: z.array(TrendPoint),
  }),
  policies: z.array(ReportPolicy),
  applications: z.array(ReportApplication),
  /** Gaps open at `as_of` and gaps resolved by then, oldest first. */
  gaps: z.array(Gap),
  /** Sign-offs made by `as_of`, newest first, with their exceptions. */
  attestations: z.array(Attestation),
  /** Every exception granted by `as_of`, its state then (`active` or `expired`). */
  exceptions: z.array(AttestationException),
  rule_inventory: z.array(InventoryRule),
})
export type ReportData = z.infer<typeof ReportData>

/** One file of an audit package, as its manifest lists it. */
export const ManifestFile = z.object({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
})

/** `manifest.json` of an audit package. */
export const PackageManifest = z.object({
  format: z.literal('governance-console-audit-package/1'),
  workspace_id: z.string(),
  as_of: Timestamp,
  scope: ReportData.shape.scope,
  /** The hash of the newest audit event at `as_of`: the last of the trail extract, a link of the workspace's chain. */
  audit_chain_head: z.string(),
  /**
   * That head, signed with the workspace's key when the package was made: absent from packages of
   * a workspace that signs nothing, or made before it did.
   */
  audit_checkpoint: SignedCheckpoint.optional(),
  /** SHA-256 of the signing key's public half: compare it with what `govern audit verify` prints for the workspace. */
  signing_key_fingerprint: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  generated_at: Timestamp,
  generated_by: z.object({ id: z.string(), name: z.string() }),
  files: z.array(ManifestFile),
})
export type PackageManifest = z.infer<typeof PackageManifest>

/** A past export, as the Reports screen's history lists it (each is also an audit event). */
export const ReportExport = z.object({
  id: z.string(),
  format: ReportFormat,
  filename: z.string(),
  scope: ReportData.shape.scope,
  as_of: Timestamp,
  generated_at: Timestamp,
  generated_by: z.object({ id: z.string(), name: z.string() }),
  /** SHA-256 of the file produced (the zip for a package). */
  sha256: z.string(),
  size: z.number().int(),
})
export type ReportExport = z.infer<typeof ReportExport>
