/**
 * The parts of the stack schema that configure each package, from the spec's own
 * schema so the catalog validates exactly what the stack file allows (no copy).
 */
import { bitcoinChainSchema } from "@cryptokube/spec";

export {
  appSchema,
  bitcoinChainSchema,
  dashboardSchema,
  ethereumChainSchema,
  gatewaySchema,
  indexerSchema,
  ipfsSchema,
  monitoringSchema,
  walletSchema,
} from "@cryptokube/spec";

export const lightningSchema = bitcoinChainSchema.shape.lightning.unwrap();
