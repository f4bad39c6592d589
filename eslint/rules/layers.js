// Folder = layer (after VS Code's code-layering rule): each room may import only the rooms listed for it. The rooms are
// named in rooms.js; the table of who may import whom is the rule's option, in eslint.config.js.
import path from 'node:path'
import { importVisitors, resolveRelative, roomOf } from './rooms.js'

export default {
  meta: {
    type: 'problem',
    docs: { description: 'A room (src/core, src/main, src/renderer, …) imports only the rooms it may.' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: { forbidden: '{{from}} may not import {{to}} ({{target}}): {{why}}' },
  },
  create(context) {
    const { allow, why = {}, valuesOnlyFrom = {} } = context.options[0] ?? {}
    const cwd = context.cwd
    const file = context.filename
    const here = roomOf(path.relative(cwd, file))
    if (!here || !allow[here.room]) return {}
    return importVisitors((node, spec, typeOnly) => {
      const target = resolveRelative(file, spec)
      if (!target) return
      const there = roomOf(path.relative(cwd, target))
      if (!there) return
      const allowed = allow[here.room]
      const key = there.domain ? `${there.room}/${there.domain}` : there.room
      let ok = allowed.includes(there.room) || allowed.includes(key)
      // a room that may take only types from another, except from a few folders of plain values (renderer <- shared)
      const values = valuesOnlyFrom[here.room]?.[there.room]
      if (ok && values && !typeOnly && !values.some((dir) => there.inRoom === dir || there.inRoom.startsWith(`${dir}/`))) ok = false
      if (!ok) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { from: here.room, to: key, target: path.relative(cwd, target), why: why[here.room] ?? 'see the layering table in eslint.config.js' },
        })
      }
    })
  },
}
