/**
 * The parts of the stack schema that configure each package, taken from the
 * one exported `stackSchema` so the catalog validates exactly what the stack
 * file allows (one source of truth, no copy).
 */
import { stackSchema } from "@cryptokube/spec";

const chains = stackSchema.shape.chains.unwrap().valueType;
const services = stackSchema.shape.services.unwrap().shape;

export const ethereumChainSchema = chains.options[0];
export const bitcoinChainSchema = chains.options[1];
export const lightningSchema = bitcoinChainSchema.shape.lightning.unwrap();
export const ipfsSchema = stackSchema.shape.storage.unwrap().shape.ipfs.unwrap();
export const gatewaySchema = services.gateway.unwrap();
export const indexerSchema = services.indexer.unwrap();
export const dashboardSchema = services.dashboard.unwrap();
export const walletSchema = services.wallet.unwrap();
export const monitoringSchema = services.monitoring.unwrap();
export const appSchema = stackSchema.shape.apps.unwrap().valueType;
