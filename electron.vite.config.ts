import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import { ENTRIES } from './src/core/runtime'

// Every worker thread and child process the core starts is its own entry file beside index.js, from the one table the
// core resolves them with (src/core/runtime/entries.ts).
const workerEntries = Object.fromEntries(Object.values(ENTRIES).map((e) => [e.bundle.replace(/\.js$/, ''), resolve(__dirname, e.source)]))

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // utility-entry: the first script of the core's child processes in the app (src/main/electron/utility-launcher.ts)
        input: { index: resolve(__dirname, 'src/main/index.ts'), 'utility-entry': resolve(__dirname, 'src/main/utility-entry.ts'), ...workerEntries },
        // chunks beside the entries: the core finds an entry next to the chunk it runs from (src/core/runtime/resolve.ts)
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // sandboxed preloads must be CommonJS
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
      chunkSizeWarningLimit: 4000,
    },
  },
})
