/** "+ ALERT RULE": adds a metric-based rule to the organisation's library; the engine validates it. */
import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { AlertRule, Operator, Severity } from '../../../src-shared/domain/rules'
import { FormError } from '../../components/FormError'
import { SEVERITY_OPTIONS } from '../../components/SeverityBadge'
import { errorsByField } from '../../components/field-errors'
import { useRuleLibrary } from './rule-library-store'

export const OPERATOR_OPTIONS: Array<{ value: Operator; label: string }> = [
  { value: '>', label: '> greater than' },
  { value: '>=', label: '>= at least' },
  { value: '<', label: '< less than' },
  { value: '<=', label: '<= at most' },
]

interface Values {
  name: string
  metric: MetricKey | null
  operator: Operator
  threshold: number | string
  severity: Severity
  window_hours: number | string
  recommended: boolean
}

export function AlertRuleForm({ onCreated, onCancel }: { onCreated(rule: AlertRule): void; onCancel(): void }) {
  const { metrics, createAlertRule } = useRuleLibrary()
  const [values, setValues] = useState<Values>({
    name: '',
    metric: null,
    operator: '>',
    threshold: '',
    severity: 'high',
    window_hours: 24,
    recommended: false,
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((current) => ({ ...current, [key]: value }))

  function chooseMetric(metric: MetricKey | null) {
    // Start from the direction the catalogue says this metric breaches in; the user can still change it.
    const breaches = metrics.find((candidate) => candidate.key === metric)?.breaches
    setValues((current) => ({ ...current, metric, operator: breaches === 'below' ? '<' : breaches === 'above' ? '>' : current.operator }))
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    if (!values.metric) return setErrors({ metric: 'metric is required' })
    if (typeof values.threshold !== 'number') return setErrors({ threshold: 'threshold must be a number' })
    setSaving(true)
    setErrors({})
    try {
      const created = await createAlertRule({
        name: values.name,
        metric: values.metric,
        operator: values.operator,
        threshold: values.threshold,
        severity: values.severity,
        window_hours: typeof values.window_hours === 'number' ? values.window_hours : 24,
        recommended: values.recommended,
      })
      onCreated(created)
    } catch (error) {
      setErrors(errorsByField(error))
    } finally {
      setSaving(false)
    }
  }

  const unit = metrics.find((candidate) => candidate.key === values.metric)?.unit
  return (
    <form onSubmit={submit} noValidate aria-label="New alert rule">
      <Stack>
        <TextInput
          label="Rule name"
          required
          data-autofocus
          placeholder="e.g. PII detection rate above 1%"
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={errors.name}
        />
        <Select
          label="Metric"
          required
          searchable
          data={metrics.map((metric) => ({ value: metric.key, label: metric.label }))}
          value={values.metric}
          onChange={(value) => chooseMetric(value as MetricKey | null)}
          error={errors.metric}
        />
        <SimpleGrid cols={3}>
          <Select
            label="Operator"
            data={OPERATOR_OPTIONS}
            value={values.operator}
            onChange={(value) => value && set('operator', value as Operator)}
            allowDeselect={false}
            error={errors.operator}
          />
          <NumberInput
            label={unit && unit !== 'score' ? `Threshold (${unit})` : 'Threshold'}
            required
            value={values.threshold}
            onChange={(value) => set('threshold', value)}
            error={errors.threshold}
          />
          <Select
            label="Severity"
            data={SEVERITY_OPTIONS}
            value={values.severity}
            onChange={(value) => value && set('severity', value as Severity)}
            allowDeselect={false}
            error={errors.severity}
          />
        </SimpleGrid>
        <NumberInput
          label="Window (hours)"
          description="How much recent data each check looks at"
          min={1}
          max={2160}
          allowDecimal={false}
          value={values.window_hours}
          onChange={(value) => set('window_hours', value)}
          error={errors.window_hours}
        />
        <Switch
          label="Recommended"
          description="Flag this rule as recommended in the library"
          checked={values.recommended}
          onChange={(event) => set('recommended', event.currentTarget.checked)}
        />
        <FormError message={errors.form} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Create alert rule
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
