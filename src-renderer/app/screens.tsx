/**
 * Which screen shows for a route. Each screen is its own chunk, fetched the first time it is
 * opened, so the console starts with the shell alone and echarts is only loaded by screens that
 * chart.
 */
import { Center, Loader } from '@mantine/core'
import { lazy, Suspense, type ComponentType } from 'react'
import { AREAS, type AreaId } from './navigation'

/** React.lazy for a named export, which our screens use. */
function lazyScreen<Props extends object, Name extends string>(load: () => Promise<Record<Name, ComponentType<Props>>>, name: Name) {
  return lazy(async () => ({ default: (await load())[name] }))
}

const DashboardScreen = lazyScreen(() => import('../features/dashboard/DashboardScreen'), 'DashboardScreen')
const ApplicationsScreen = lazyScreen(() => import('../features/applications/ApplicationsScreen'), 'ApplicationsScreen')
const ApplicationDetail = lazyScreen(() => import('../features/applications/ApplicationDetail'), 'ApplicationDetail')
const PolicyList = lazyScreen(() => import('../features/policies/PolicyList'), 'PolicyList')
const PolicyDetail = lazyScreen(() => import('../features/policies/detail/PolicyDetail'), 'PolicyDetail')
const PolicyWizard = lazyScreen(() => import('../features/policies/wizard/PolicyWizard'), 'PolicyWizard')
const TemplatesScreen = lazyScreen(() => import('../features/templates/TemplatesScreen'), 'TemplatesScreen')
const AuditLogScreen = lazyScreen(() => import('../features/audit/AuditLogScreen'), 'AuditLogScreen')
const SettingsScreen = lazyScreen(() => import('../features/settings/SettingsScreen'), 'SettingsScreen')
const UpcomingArea = lazyScreen(() => import('../features/areas/UpcomingArea'), 'UpcomingArea')

function ScreenFor({ area, path }: { area: AreaId; path: string[] }) {
  switch (area) {
    case 'dashboard':
      return <DashboardScreen />
    case 'applications':
      return path[0] ? <ApplicationDetail id={path[0]} /> : <ApplicationsScreen />
    case 'policies':
      if (path[0] === 'new') return <PolicyWizard />
      return path[0] ? <PolicyDetail policyId={path[0]} /> : <PolicyList />
    case 'templates':
      return <TemplatesScreen />
    case 'audit':
      return <AuditLogScreen />
    case 'settings':
      return <SettingsScreen />
    default:
      return <UpcomingArea area={area} title={AREAS.find((a) => a.id === area)?.label ?? area} />
  }
}

export function Screen({ area, path }: { area: AreaId; path: string[] }) {
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <ScreenFor area={area} path={path} />
    </Suspense>
  )
}
