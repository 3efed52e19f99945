/**
 * Who may call what: each procedure declares its kind of access, and each role is granted a set
 * of kinds. The engine's door (dispatch) asks this for every call, over IPC and HTTP alike; the
 * engine itself then decides the finer questions (which reviewers a rule names).
 */
import type { Role } from '../domain/common'
import type { Access } from './procedure'

/**
 * - org_admin: everything, people and tokens included.
 * - governance_manager: policies, rules, scope, applications and their data; attests where named.
 * - reviewer: reads, and attests what names them.
 * - auditor: reads, and exports reports.
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

/**
 * The role a token acting for a person carries: its own when that grants no more than the
 * person's current role, otherwise the person's. A token never outlives a demotion.
 */
export function effectiveTokenRole(tokenRole: Role, personRole: Role): Role {
  return [...ROLE_ACCESS[tokenRole]].every((access) => ROLE_ACCESS[personRole].has(access)) ? tokenRole : personRole
}
