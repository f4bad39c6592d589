// Support answers about a line ("why was 512-555-0123 suspended?") with links, from the local store.
export { knowledgeHandlers } from './handlers'
