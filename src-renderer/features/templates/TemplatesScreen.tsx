/** The four built-in templates: apply one as it is, or clone it into the wizard and customise. */
import { Alert, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import { ApiError } from '../../../src-shared/api/errors'
import type { PolicyTemplate } from '../../../src-shared/domain/policy'
import { useNavigation } from '../../app/navigation'
import { notifyDone, notifyFailed } from '../../components/feedback'
import { useApplyScope } from '../policies/apply/apply-store'
import { usePolicies } from '../policies/policies-store'
import { useWizard } from '../policies/wizard/wizard-store'
import { useRuleLibrary } from '../rules/rule-library-store'
import { TemplateCard } from './TemplateCard'
import { TemplateNameModal } from './TemplateNameModal'
import { useTemplates } from './templates-store'

type Naming = { template: PolicyTemplate; message: string; error?: string }

export function TemplatesScreen() {
  const { templates, error: loadError, load, applyAsIs } = useTemplates()
  const loadLibrary = useRuleLibrary((state) => state.load)
  const startFromTemplate = useWizard((state) => state.startFromTemplate)
  const openApply = useApplyScope((state) => state.openFor)
  const reloadPolicies = usePolicies((state) => state.load)
  const go = useNavigation((state) => state.go)
  const [applying, setApplying] = useState<string>()
  const [naming, setNaming] = useState<Naming>()

  useEffect(() => {
    void load()
    void loadLibrary()
  }, [load, loadLibrary])

  async function apply(template: PolicyTemplate, name?: string) {
    setApplying(template.id)
    try {
      const policy = await applyAsIs(template.id, name)
      setNaming(undefined)
      notifyDone(`Created ${policy.name} from the ${template.name} template. Choose the applications it covers.`)
      void reloadPolicies()
      // The policy exists but covers nothing yet: take the user straight to choosing what it covers.
      go('policies', [policy.id])
      openApply(policy)
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'conflict' || error.field === 'name')) {
        // The first refusal explains why a name is asked for; later ones sit at the field.
        const message = !name ? error.message : error.code === 'conflict' ? 'That name is taken too. Try another.' : (naming?.message ?? error.message)
        setNaming({ template, message, error: name ? error.message : undefined })
      } else {
        notifyFailed(error, `Could not create a policy from ${template.name}`)
      }
    } finally {
      setApplying(undefined)
    }
  }

  function clone(template: PolicyTemplate) {
    startFromTemplate(template)
    go('policies', ['new'])
  }

  return (
    <Stack>
      <div>
        <Title order={2}>Templates</Title>
        <Text c="dimmed" size="sm">
          Production-ready starting points for the most common governance needs. Apply one as it is, or clone and customise it.
        </Text>
      </div>
      {loadError ? <Alert color="red">{loadError}</Alert> : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {templates.map((template) => (
          <TemplateCard
            key={template.id}
            template={template}
            applying={applying === template.id}
            onApply={() => void apply(template)}
            onClone={() => clone(template)}
          />
        ))}
      </SimpleGrid>
      {naming ? (
        <TemplateNameModal
          template={naming.template}
          message={naming.message}
          error={naming.error}
          saving={applying === naming.template.id}
          onSubmit={(name) => void apply(naming.template, name)}
          onCancel={() => setNaming(undefined)}
        />
      ) : null}
    </Stack>
  )
}
