import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { META_CONTENT_SECURITY_POLICY } from './src-shared/security/csp'

/** The built index.html carries the CSP as a meta tag (dev keeps Vite's inline refresh script). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'governance-console-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The desktop entry and the `govern` CLI share the engine; the CLI never loads Electron.
        // Both start the evaluation worker from the bundle beside them (evaluation-worker.js).
        input: {
          index: resolve(__dirname, 'src-main/desktop/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/govern.ts'),
          'evaluation-worker': resolve(__dirname, 'src-main/engine/evaluation-worker/worker-entry.ts'),
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
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})
