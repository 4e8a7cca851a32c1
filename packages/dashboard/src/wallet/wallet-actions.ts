/**
 * Form posts of the wallet page turned into wallet calls. Each validates every
 * field first (a 400 naming the field) and returns what the page shows next.
 */
import { type AbiFunction, parseEther } from "viem";
import { badRequest, HttpError } from "../http/http-error.ts";
import { field } from "../http/read-body.ts";
import type { DashboardServices } from "../services.ts";
import type { RegisteredContract } from "../sources/indexer-client.ts";
import type { Wallet } from "./create-wallet.ts";
import {
  parseAbiArgument,
  parseAccountIndex,
  parseAddress,
  parseEthAmount,
} from "./parse-input.ts";

const FAUCET_MAX = parseEther("100");

export function walletOf(s: DashboardServices): Wallet {
  if (s.wallet === undefined || s.wallet.accountCount === 0) {
    throw new HttpError(
      409,
      "No wallet",
      "this stack has no wallet accounts: add services.wallet on a devnet chain",
    );
  }
  return s.wallet;
}

export async function sendAction(s: DashboardServices, form: FormData): Promise<string> {
  const wallet = walletOf(s);
  const from = parseAccountIndex(field(form, "from"), wallet.accountCount);
  const to = parseAddress(field(form, "to"), "to");
  const value = parseEthAmount(field(form, "amount"));
  return wallet.send(from, to, value);
}

export async function faucetAction(s: DashboardServices, form: FormData): Promise<string> {
  const wallet = walletOf(s);
  if (!wallet.faucet) {
    throw new HttpError(409, "No faucet", "the faucet is only on devnets (services.wallet.faucet)");
  }
  const to = parseAddress(field(form, "to"), "to");
  const value = parseEthAmount(field(form, "amount") || "1");
  if (value > FAUCET_MAX) throw badRequest("amount: the faucet gives at most 100 ETH at a time");
  return wallet.drip(to, value);
}

interface ContractCall {
  contract: RegisteredContract;
  fn: AbiFunction;
  args: unknown[];
}

async function contractCall(s: DashboardServices, form: FormData): Promise<ContractCall> {
  const address = parseAddress(field(form, "contract"), "contract");
  const contract = await s.contracts.byAddress(address);
  if (contract === undefined) {
    throw badRequest(`contract: ${address} is not registered with the indexer`);
  }
  const index = Number(field(form, "fn"));
  const item = Number.isInteger(index) ? contract.abi[index] : undefined;
  if (item === undefined || item.type !== "function") {
    throw badRequest(`fn: '${field(form, "fn")}' is not a function of ${contract.name}'s ABI`);
  }
  const args = item.inputs.map((param, i) =>
    parseAbiArgument(param, field(form, `arg${i}`), param.name || `arg${i}`),
  );
  return { contract, fn: item, args };
}

export async function callAction(
  s: DashboardServices,
  form: FormData,
): Promise<{ label: string; result: unknown }> {
  const wallet = walletOf(s);
  const { contract, fn, args } = await contractCall(s, form);
  if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") {
    throw badRequest(`${contract.name}.${fn.name} changes state: use Transact`);
  }
  const address = parseAddress(contract.address, "contract");
  return {
    label: `${contract.name}.${fn.name}`,
    result: await wallet.call(address, fn, args),
  };
}

export async function transactAction(s: DashboardServices, form: FormData): Promise<string> {
  const wallet = walletOf(s);
  const { contract, fn, args } = await contractCall(s, form);
  if (fn.stateMutability === "view" || fn.stateMutability === "pure") {
    throw badRequest(`${contract.name}.${fn.name} is read-only: use Call`);
  }
  const from = parseAccountIndex(field(form, "from"), wallet.accountCount);
  const valueText = field(form, "value");
  const value =
    fn.stateMutability === "payable" && valueText !== "" && valueText !== "0"
      ? parseEthAmount(valueText, "value")
      : 0n;
  const address = parseAddress(contract.address, "contract");
  return wallet.transact(from, address, fn, args, value);
}
