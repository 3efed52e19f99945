import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { contentSecurityPolicy } from './src-main/desktop/renderer-csp-plugin'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The desktop entry and the `govern` CLI share the engine; the CLI never loads Electron.
        // Both start the engine's worker thread from the bundle beside them (engine-worker.js).
        input: {
          index: resolve(__dirname, 'src-main/desktop/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/govern.ts'),
          'engine-worker': resolve(__dirname, 'src-main/engine/engine-worker/worker-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/desktop/preload.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    // The same Content-Security-Policy in development as in the build.
    plugins: [react(), ...contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; the same bundle is downloaded by browsers
      // from `govern serve`, where every kilobyte is time before the first screen.
      minify: 'oxc',
      cssMinify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
        // Screens are split by React.lazy (app/screens.tsx); echarts, the largest dependency, gets a
        // chunk of its own, named so, loaded only by screens that chart. tslib is claimed first:
        // the shell needs it too (through Mantine), and it would otherwise pull echarts in with it.
        output: {
          codeSplitting: {
            groups: [
              { name: 'tslib', test: /node_modules[\\/]tslib[\\/]/, priority: 2 },
              { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 1 },
            ],
          },
        },
      },
    },
  },
})
