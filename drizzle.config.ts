import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/local/schema.ts',
  out: './db/local/migrations',
})
