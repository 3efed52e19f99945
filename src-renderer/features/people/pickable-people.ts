/**
 * Who a picker may offer: active people only, as the engine refuses to newly pick an inactive one.
 * Someone inactive who is already chosen stays listed (marked), so the choice reads by name and can
 * be removed, but once removed cannot be picked again.
 */
import type { User } from '../../../src-shared/domain/people'

export function pickablePeople(users: readonly User[], chosenIds: readonly string[]): Array<{ id: string; label: string }> {
  const chosen = new Set(chosenIds)
  return users
    .filter((user) => user.active || chosen.has(user.id))
    .map((user) => ({ id: user.id, label: user.active ? user.name : `${user.name} (inactive)` }))
}
