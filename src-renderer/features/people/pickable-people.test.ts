import { describe, expect, it } from 'vitest'
import type { User } from '../../../src-shared/domain/people'
import { pickablePeople } from './pickable-people'

const person = (id: string, name: string, active: boolean): User => ({
  id,
  name,
  email: null,
  role: 'reviewer',
  group_ids: [],
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
  active,
  deactivated_at: active ? null : '2025-02-01T00:00:00.000Z',
  version: 1,
})

describe('pickable people', () => {
  const users = [person('usr_ana', 'Ana Ortiz', true), person('usr_dana', 'Dana Whitfield', false)]

  it('offers active people only', () => {
    expect(pickablePeople(users, [])).toEqual([{ id: 'usr_ana', label: 'Ana Ortiz' }])
  })

  it('keeps an inactive person who is already chosen, marked inactive', () => {
    expect(pickablePeople(users, ['usr_dana'])).toEqual([
      { id: 'usr_ana', label: 'Ana Ortiz' },
      { id: 'usr_dana', label: 'Dana Whitfield (inactive)' },
    ])
  })
})
