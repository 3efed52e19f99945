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
import { syncApi } from './sync'
import { tokensApi } from './tokens'
import type { InputOf, OutputOf } from './procedure'
import { workspaceApi } from './workspace'

/** The API's areas, one contract file each; the OpenAPI document groups operations by them. */
export const contractAreas = {
  applications: applicationsApi,
  audit: auditApi,
  people: peopleApi,
  tokens: tokensApi,
  rules: rulesApi,
  policies: policiesApi,
  workspace: workspaceApi,
  metrics: metricsApi,
  compliance: complianceApi,
  attestations: attestationsApi,
  reports: reportsApi,
  sync: syncApi,
}
export type ContractArea = keyof typeof contractAreas

type Areas = typeof contractAreas
/** Every area's procedures as one type: the intersection of the areas' maps. */
type AllProcedures = { [A in ContractArea]: (procedures: Areas[A]) => void }[ContractArea] extends (procedures: infer All) => void ? All : never

export const contract: AllProcedures = Object.assign({}, ...Object.values(contractAreas))

export type Contract = typeof contract
export type ProcedureName = keyof Contract
export type Input<K extends ProcedureName> = InputOf<Contract[K]>
export type Output<K extends ProcedureName> = OutputOf<Contract[K]>

export function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.hasOwn(contract, name)
}
