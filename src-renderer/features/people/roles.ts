/** How roles read in the console. */
import type { Role } from '../../../src-shared/domain/common'

export const ROLE_LABELS: Record<Role, string> = {
  org_admin: 'Organization Admin',
  governance_manager: 'Governance Manager',
  reviewer: 'Reviewer',
  auditor: 'Auditor',
}

export const ROLE_OPTIONS = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }))
