/** Step 1: what the policy is called, who owns it, when enforcement starts and where news goes. */
import { PolicyDetailsFields } from '../details-form/PolicyDetailsFields'
import { useWizard } from './wizard-store'

export function DetailsStep() {
  const { details, errors, setDetail } = useWizard()
  return <PolicyDetailsFields values={details} errors={errors} onChange={setDetail} />
}
