/**
 * Who may call what: each procedure declares its kind of access, and each role is granted a set
 * of kinds. The engine's door (dispatch) asks this for every call, over IPC and HTTP alike; the
 * engine itself then decides the finer questions (which reviewers a rule names, whose report job).
 */
import { Role } from '../domain/common'
import type { Access } from './procedure'

/**
 * - org_admin: everything, people and tokens included.
 * - governance_manager: policies, rules, scope, applications and their data; attests where named; exports.
 * - reviewer: reads, and attests what names them. Never takes the workspace away in bulk.
 * - auditor: reads, and exports: reports, the audit log, a desktop's copy of the workspace.
 */
export const ROLE_ACCESS: Readonly<Record<Role, ReadonlySet<Access>>> = {
  org_admin: new Set(['read', 'manage', 'administer', 'attest', 'export']),
  governance_manager: new Set(['read', 'manage', 'attest', 'export']),
  reviewer: new Set(['read', 'attest']),
  auditor: new Set(['read', 'export']),
}

export function mayCall(role: Role, access: Access): boolean {
  return ROLE_ACCESS[role].has(access)
}

/** The roles granted a kind of access, in the directory's order: what a refusal points to. */
export function rolesWith(access: Access): Role[] {
  return Role.options.filter((role) => mayCall(role, access))
}

/** Why `role` is refused `call`: the call, the kind of access it needs and who has it, so the caller knows which token to use. */
export function refusalMessage(role: Role, call: string, access: Access): string {
  return `The ${role} role cannot call ${call}, which needs the ${access} right (${rolesWith(access).join(', ')})`
}

/**
 * The role a token acting for a person carries: its own when that grants no more than the
 * person's current role, otherwise the person's. A token never outlives a demotion.
 */
export function effectiveTokenRole(tokenRole: Role, personRole: Role): Role {
  return [...ROLE_ACCESS[tokenRole]].every((access) => ROLE_ACCESS[personRole].has(access)) ? tokenRole : personRole
}
