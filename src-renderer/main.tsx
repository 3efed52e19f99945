import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import { MantineProvider, createTheme, localStorageColorSchemeManager } from '@mantine/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { FeedbackHost } from './components/feedback'
import { client } from './api/client'
import { refreshOnChange } from './app/refresh-on-change'

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' })

client.onChanged(refreshOnChange)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={localStorageColorSchemeManager({ key: 'governance-console-color-scheme' })}
    >
      <App />
      <FeedbackHost />
    </MantineProvider>
  </StrictMode>,
)
