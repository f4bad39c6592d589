// The workstation's op fingerprint is the server's, byte for byte (issue 11, attack 1): the outbox compares a
// `duplicate` answer's fingerprint with its own op's, so both sides must compute the same canonical form.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestCentral, type TestCentral } from '../testing/test-central'
import { canonicalJson, opFingerprint } from './fingerprint'

let c: TestCentral
beforeAll(async () => {
  c = await createTestCentral()
}, 120_000)
afterAll(async () => {
  await c?.close()
})

// JSON values as a workstation's params carry them: strings with any characters PostgreSQL can hold (no NUL),
// integers, booleans, null, nested objects and arrays
const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\0/g, ''))
const controls = fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((n) => String.fromCharCode(n)), maxLength: 8 })
const leaf = fc.oneof(text, controls, fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.maxSafeInteger(), fc.boolean(), fc.constant(null))
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(text, controls), tie('value'), { maxKeys: 5 }),
})).object
const pushOp = fc.record({
  op_id: fc.integer({ min: 1, max: 1e9 }),
  action: fc.oneof(fc.constantFrom('tag', 'credit_wallet', 'debit_wallet'), text),
  line_id: fc.integer({ min: 1, max: 1e9 }),
  params: json,
  base_version: fc.integer({ min: 0, max: 1e6 }),
  batch_id: text,
  sentence: fc.oneof(text, controls),
})

describe('op fingerprint: TypeScript = push_op_fingerprint() in SQL', () => {
  it('agrees on generated ops (key order, escapes, unicode, nesting)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pushOp, { minLength: 1, maxLength: 20 }), async (ops) => {
        const rows = await c.sql<{ f: string }>('SELECT push_op_fingerprint(e.op) AS f FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY e(op, i) ORDER BY i', [
          JSON.stringify(ops),
        ])
        expect(rows.map((r) => r.f)).toEqual(ops.map((o) => opFingerprint(o)))
      }),
      { numRuns: 40 },
    )
  })

  it('writes the canonical text the protocol documents', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\n'], é: {}, aa: 'ü' })).toBe('{"a":[true,null,"x\\"\\n"],"aa":"ü","b":1,"é":{}}')
  })
})
