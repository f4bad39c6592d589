import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // the sync pull worker, its bootstrap lane and the SQL runner's child process run as their own entry files
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'sync-worker': resolve(__dirname, 'src/core/sync/sync.worker.ts'),
          // the bulk bootstrap's second lane (src/core/sync/bootstrap/lane.ts)
          'sync-lane-worker': resolve(__dirname, 'src/core/sync/bootstrap/lane.worker.ts'),
          // bulk loads: index builds aside, WAL checkpoints off the writer's thread (src/core/store/bulk.ts)
          'index-worker': resolve(__dirname, 'src/core/store/index-build.worker.ts'),
          'checkpoint-worker': resolve(__dirname, 'src/core/store/checkpoint.worker.ts'),
          'sql-process': resolve(__dirname, 'src/core/reports/sql.process.ts'),
        },
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
