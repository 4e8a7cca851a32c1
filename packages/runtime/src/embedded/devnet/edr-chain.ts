import { type DevnetAccount, etherToWei, hexToBuffer } from "@cryptokube/core/eth";
import {
  ContractDecoder,
  EdrContext,
  L1_CHAIN_TYPE,
  l1GenesisState,
  l1HardforkLatest,
  l1HardforkToString,
  l1ProviderFactory,
  MineOrdering,
  type Provider,
  type SubscriptionEvent,
} from "@nomicfoundation/edr";

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** What one JSON-RPC call produced, without the envelope (no jsonrpc/id). */
export type RpcOutcome = { result: unknown } | { error: RpcErrorObject };

export interface EdrChainConfig {
  chainId: number;
  accounts: DevnetAccount[];
  balanceEth: number;
  autoMine: boolean;
  /** Pinned so that a replayed chain reproduces the same genesis block. */
  genesisTime: number;
  onSubscriptionEvent: (event: SubscriptionEvent) => void;
}

export interface EdrChain {
  call(method: string, params: unknown[]): Promise<RpcOutcome>;
}

// Matches hardhat's defaults: 60M block gas limit; the per-transaction default stays at
// the Osaka transaction gas cap (EIP-7825, 2^24) so it is always accepted.
const BLOCK_GAS_LIMIT = 60_000_000n;
const DEFAULT_TX_GAS_LIMIT = 16_777_216n;
const INITIAL_BASE_FEE = 1_000_000_000n;
const COINBASE = "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e";

// EDR documents that an EdrContext "should only be called once" per process, so all
// devnets in a process share one lazily created context (providers stay independent).
let sharedContext: Promise<EdrContext> | undefined;

function getEdrContext(): Promise<EdrContext> {
  sharedContext ??= (async () => {
    const context = new EdrContext();
    await context.registerProviderFactory(L1_CHAIN_TYPE, l1ProviderFactory());
    return context;
  })();
  return sharedContext;
}

/** The hardfork new chains run: EDR's latest L1 hardfork. */
export function edrHardfork(): string {
  return l1HardforkToString(l1HardforkLatest());
}

export async function createEdrChain(config: EdrChainConfig): Promise<EdrChain> {
  const context = await getEdrContext();
  const hardfork = l1HardforkLatest();
  const balance = etherToWei(config.balanceEth);
  const provider = await context.createProvider(
    L1_CHAIN_TYPE,
    {
      allowBlocksWithSameTimestamp: false,
      allowUnlimitedContractSize: false,
      bailOnCallFailure: false,
      bailOnTransactionFailure: false,
      chainId: BigInt(config.chainId),
      coinbase: hexToBuffer(COINBASE),
      defaultTransactionGasLimit: DEFAULT_TX_GAS_LIMIT,
      genesisState: [
        ...l1GenesisState(hardfork),
        ...config.accounts.map((account) => ({ address: hexToBuffer(account.address), balance })),
      ],
      hardfork: l1HardforkToString(hardfork),
      initialBaseFeePerGas: INITIAL_BASE_FEE,
      minGasPrice: 0n,
      mining: {
        autoMine: config.autoMine,
        blockGasLimit: BLOCK_GAS_LIMIT,
        memPool: { order: MineOrdering.Priority },
      },
      network: {
        genesisBlockGasLimit: BLOCK_GAS_LIMIT,
        genesisBlockTime: BigInt(config.genesisTime),
      },
      networkId: BigInt(config.chainId),
      observability: {},
      ownedAccounts: config.accounts.map((account) => account.privateKey),
      precompileOverrides: [],
    },
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} },
    { subscriptionCallback: config.onSubscriptionEvent },
    new ContractDecoder(),
  );
  return {
    call: (method, params) => callProvider(provider, method, params),
  };
}

async function callProvider(
  provider: Provider,
  method: string,
  params: unknown[],
): Promise<RpcOutcome> {
  try {
    const response = await provider.handleRequest(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    );
    const data: unknown =
      typeof response.data === "string" ? JSON.parse(response.data) : response.data;
    if (typeof data === "object" && data !== null && "error" in data) {
      return { error: normaliseError((data as { error: unknown }).error) };
    }
    if (typeof data === "object" && data !== null && "result" in data) {
      return { result: (data as { result: unknown }).result };
    }
    return { error: { code: -32603, message: "EDR returned a response without result or error" } };
  } catch (cause) {
    return {
      error: {
        code: -32603,
        message: `internal error: ${cause instanceof Error ? cause.message : String(cause)}`,
      },
    };
  }
}

function normaliseError(raw: unknown): RpcErrorObject {
  if (typeof raw !== "object" || raw === null) return { code: -32603, message: String(raw) };
  const { code, message, data } = raw as { code?: unknown; message?: unknown; data?: unknown };
  const error: RpcErrorObject = {
    code: typeof code === "number" ? code : -32603,
    message: typeof message === "string" ? message : "unknown error",
  };
  // EDR echoes the whole request as `data` for unsupported methods; that is noise, not detail.
  const echoesRequest = typeof data === "object" && data !== null && "method" in data;
  if (data !== undefined && data !== null && !echoesRequest) error.data = data;
  return error;
}
