/** The whole API: every area's procedures joined in one map, checked at compile time end to end. */
import { applicationsApi } from './applications'
import { attestationsApi } from './attestations'
import { auditApi } from './audit'
import { complianceApi } from './compliance'
import { metricsApi } from './metrics'
import { peopleApi } from './people'
import { policiesApi } from './policies'
import { reportsApi } from './reports'
import { rulesApi } from './rules'
import { tokensApi } from './tokens'
import type { InputOf, OutputOf } from './procedure'
import { workspaceApi } from './workspace'

export const contract = {
  ...applicationsApi,
  ...auditApi,
  ...peopleApi,
  ...tokensApi,
  ...rulesApi,
  ...policiesApi,
  ...workspaceApi,
  ...metricsApi,
  ...complianceApi,
  ...attestationsApi,
  ...reportsApi,
}

export type Contract = typeof contract
export type ProcedureName = keyof Contract
export type Input<K extends ProcedureName> = InputOf<Contract[K]>
export type Output<K extends ProcedureName> = OutputOf<Contract[K]>

export function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.hasOwn(contract, name)
}

