/** "+ New Policy": the four-step wizard, as its own view so rule forms can open over it. */
import { Alert, Button, Group, Paper, Stack, Stepper, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { useNavigation } from '../../../app/navigation'
import { notifyDone } from '../../../components/feedback'
import { usePeople } from '../../people/people-store'
import { useRuleLibrary } from '../../rules/rule-library-store'
import { usePolicies } from '../policies-store'
import { AlertRulesStep } from './AlertRulesStep'
import { AttestationRulesStep } from './AttestationRulesStep'
import { ConfirmationStep } from './ConfirmationStep'
import { DetailsStep } from './DetailsStep'
import { WIZARD_STEPS, useWizard } from './wizard-store'

const DESCRIPTIONS = ['Name, owner, enforcement', 'Metric thresholds', 'Human sign-off', 'Review and create']

export function PolicyWizard() {
  const { step, template, checking, submitting, next, back, goTo, submit } = useWizard()
  const loadLibrary = useRuleLibrary((state) => state.load)
  const libraryError = useRuleLibrary((state) => state.error)
  const loadPeople = usePeople((state) => state.load)
  const go = useNavigation((state) => state.go)
  const reloadPolicies = usePolicies((state) => state.load)

  useEffect(() => {
    void loadLibrary()
    void loadPeople()
  }, [loadLibrary, loadPeople])

  async function create() {
    const policy = await submit()
    if (!policy) return
    notifyDone(`Created ${policy.name}.`)
    void reloadPolicies()
    go('policies', [policy.id])
  }

  const last = step === WIZARD_STEPS.length - 1
  return (
    <Stack>
      <div>
        <Title order={2}>New policy</Title>
        <Text c="dimmed" size="sm">
          {template ? `Customising a copy of the ${template.name} template.` : 'Define a monitoring requirement once and apply it to many applications.'}
        </Text>
      </div>
      {libraryError ? <Alert color="red">{libraryError}</Alert> : null}
      <Paper withBorder p="lg">
        <Stepper active={step} onStepClick={(target) => void goTo(target)} aria-label="Policy wizard steps">
          {WIZARD_STEPS.map((label, index) => (
            <Stepper.Step key={label} label={label} description={DESCRIPTIONS[index]}>
              <Stack pt="md">
                {index === 0 ? <DetailsStep /> : null}
                {index === 1 ? <AlertRulesStep /> : null}
                {index === 2 ? <AttestationRulesStep /> : null}
                {index === 3 ? <ConfirmationStep /> : null}
              </Stack>
            </Stepper.Step>
          ))}
        </Stepper>
        <Group justify="space-between" mt="xl">
          <Button variant="subtle" color="gray" onClick={() => go('policies')}>
            Cancel
          </Button>
          <Group>
            <Button variant="default" onClick={back} disabled={step === 0}>
              Back
            </Button>
            {last ? (
              <Button onClick={() => void create()} loading={submitting}>
                CONFIRM &amp; CREATE
              </Button>
            ) : (
              <Button onClick={() => void next()} loading={checking}>
                Next
              </Button>
            )}
          </Group>
        </Group>
      </Paper>
    </Stack>
  )
}
