/** The Policies area: the list at `#/policies`, the wizard at `#/policies/new`, a policy at `#/policies/<id>`. */
import { useNavigation } from '../../app/navigation'
import { PolicyList } from './PolicyList'
import { PolicyDetail } from './detail/PolicyDetail'
import { PolicyWizard } from './wizard/PolicyWizard'

export function PoliciesScreen() {
  const target = useNavigation((state) => state.path[0])
  if (target === 'new') return <PolicyWizard />
  if (target) return <PolicyDetail policyId={target} />
  return <PolicyList />
}
