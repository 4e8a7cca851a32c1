export { createKeyring, hashApiKey } from "./access/api-keys.ts";
export type {
  ChainAdapter,
  ChainContext,
  ChainView,
  RequestPlan,
  SubscriptionSupport,
} from "./chains/chain-adapter.ts";
export { createEthereumAdapter } from "./chains/ethereum/create-ethereum-adapter.ts";
export { parseGatewayConfig, parseGatewayConfigJson } from "./config/parse-config.ts";
export type {
  ApiKeyConfig,
  ChainConfig,
  GatewayConfig,
  GatewayConfigInput,
  GatewayLimits,
  UpstreamConfig,
} from "./config/schema.ts";
export { gatewayConfigSchema } from "./config/schema.ts";
export type { Gateway, GatewayHealth, GatewayOptions } from "./create-gateway.ts";
export { createGateway } from "./create-gateway.ts";
export type { ChainHealth } from "./routing/create-chain-runtime.ts";
export { RpcError, rpcErrorCodes } from "./rpc/errors.ts";
export type { UpstreamHealth } from "./upstreams/create-upstream-pool.ts";
