import { describe, expect, it } from 'vitest'
import { contract, contractAreas, type ProcedureName } from './contract'
import { BinaryFile, CsvFile } from './procedure'
import { contractExamples } from './contract-examples'
import { errorFromZod } from './errors'

const examples = contractExamples({
  applicationId: 'app_001',
  policyId: 'pol_001',
  groupId: 'grp_001',
  userId: 'usr_001',
  alertRuleId: 'ar_pii',
  attestationRuleId: 'atr_001',
  ruleId: 'rule_001',
  importId: 'imp_001',
  attestationRequestId: 'atq_001',
  reportJobId: 'rpj_001',
  tokenId: 'tok_001',
  recent: '2026-03-01T09:30:00.000Z',
})
const procedures = Object.keys(contract) as ProcedureName[]

describe('every procedure of the contract', () => {
  it.each(procedures)('%s takes its example input', (name) => {
    const parsed = contract[name].input.safeParse(examples[name])
    expect(parsed.error && errorFromZod(parsed.error)).toBeUndefined()
  })

  it.each(procedures)('%s refuses an unknown field, with a message naming it', (name) => {
    const parsed = contract[name].input.safeParse({ ...examples[name], colour: 'blue' })
    expect(parsed.success).toBe(false)
    expect(errorFromZod(parsed.error!)).toEqual({
      error: 'invalid_input',
      field: 'colour',
      message: 'colour is not a field of this request',
      issues: [{ field: 'colour', message: 'colour is not a field of this request' }],
    })
  })

  it.each(procedures)('%s refuses an unknown field even when nothing else is sent', (name) => {
    const parsed = contract[name].input.safeParse({ colour: 'blue' })
    expect(parsed.success).toBe(false)
    expect(errorFromZod(parsed.error!).issues).toContainEqual({ field: 'colour', message: 'colour is not a field of this request' })
  })

  it.each(procedures.filter((name) => contract[name].rest?.produces))('%s answers a file over REST, so answers the value of that kind of file', (name) => {
    expect(contract[name].output).toBe(contract[name].rest!.produces === 'text/csv' ? CsvFile : BinaryFile)
  })
})

describe('the contract’s areas', () => {
  it('hold every procedure, each in one area only', () => {
    const names = Object.values(contractAreas).flatMap((area) => Object.keys(area))
    expect(names.sort()).toEqual(Object.keys(contract).sort())
  })
})
