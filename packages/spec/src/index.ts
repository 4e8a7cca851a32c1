/** @cryptokube/spec: the stack file's schema, parser, diagnostics, JSON Schema and templates. */
export { type FormatOptions, formatDiagnostic, formatDiagnostics } from "./format-diagnostics.ts";
export { SCHEMA_TITLE, stackJsonSchema } from "./json-schema.ts";
export { MAX_STACK_FILE_BYTES, type ParseResult, parseStack } from "./parse-stack.ts";
export { formatPath, type PathSegment, parsePath } from "./path.ts";
export { locateProblems, sortDiagnostics } from "./problem.ts";
export { MAX_ALIAS_COUNT } from "./read-yaml.ts";
export {
  endpointsOf,
  parseReferences,
  REFERENCE_ENDPOINTS,
  REFERENCE_SECTIONS,
  type Reference,
  type ReferenceSection,
  type ReferenceSyntaxError,
  replaceReferences,
  scanReferences,
} from "./references.ts";
export {
  type App,
  appSchema,
  type BitcoinChain,
  bitcoinChainSchema,
  type Chain,
  dashboardSchema,
  type EthereumChain,
  ethereumChainSchema,
  gatewaySchema,
  indexerSchema,
  ipfsSchema,
  monitoringSchema,
  SCHEMA_ID,
  type Services,
  type Stack,
  type StackInput,
  stackSchema,
  walletSchema,
} from "./schema.ts";
export type { Position, SourceMap } from "./source-map.ts";
export {
  isTemplateName,
  TEMPLATE_NAMES,
  TEMPLATES,
  type Template,
  type TemplateName,
} from "./templates.ts";
