/**
 * PostgreSQL server: the indexer's database on Kubernetes (PGlite locally).
 * Clients connect with the libpq environment (PGHOST, PGUSER...) that
 * `postgresClientEnv` returns, so the password stays a secret reference.
 */
import type { EnvValue } from "@cryptokube/plan/types";
import { z } from "zod";
import { draftFromVariant, endpointOf, imageRun, portOf } from "../../draft.ts";
import type { CatalogPackage, ExpandRequest, ResolvedComponent, VariantDecl } from "../../types.ts";

export const POSTGRES_USER = "cryptokube";
export const POSTGRES_DB = "cryptokube";
const DATA_DIR = "/var/lib/postgresql/data";

export function postgresSecretName(component: string): string {
  return `${component}-password`;
}

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "postgres",
    role: "server",
    description: "PostgreSQL (official image)",
    version: "17.6",
    image: { repository: "postgres" },
    targets: ["docker", "kubernetes"],
    endpoints: [{ name: "postgres", protocol: "tcp", port: 5432 }],
    volumes: [{ name: "data", mountPath: DATA_DIR, size: "20Gi", persistent: true }],
    health: {
      readiness: [
        { type: "exec", command: ["pg_isready", "-U", POSTGRES_USER, "-d", POSTGRES_DB] },
      ],
      liveness: [{ type: "tcp", endpoint: "postgres" }],
      startupSeconds: 60,
    },
    resources: { cpu: "500m", memory: "1Gi" },
    workload: "stateful",
  },
];

/** libpq environment for a client of the given postgres component. */
export function postgresClientEnv(server: ResolvedComponent): Record<string, EnvValue> {
  const endpoint = endpointOf(server, "postgres");
  return {
    PGDATABASE: POSTGRES_DB,
    PGHOST: new URL(endpoint.url).hostname,
    PGPASSWORD: { secret: postgresSecretName(server.name), key: "password" },
    PGPORT: String(endpoint.port),
    PGUSER: POSTGRES_USER,
  };
}

const configSchema = z.strictObject({}).describe("No options: sized by the catalog defaults");

function expand(req: ExpandRequest) {
  const variant = VARIANTS[0];
  if (variant === undefined) return [];
  const secret = postgresSecretName(req.name);
  return [
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "postgres",
      variant,
      variantSource: req.source,
      source: req.source,
      secrets: [{ name: secret, generate: { kind: "hex", bytes: 24 }, keys: ["password"] }],
      build: (ctx) => ({
        run: imageRun(variant, variant.version, [
          "-c",
          `listen_addresses=${ctx.bindHost === "0.0.0.0" ? "*" : ctx.bindHost}`,
          "-p",
          String(portOf(ctx, "postgres")),
        ]),
        env: {
          PGDATA: `${DATA_DIR}/pgdata`,
          POSTGRES_DB,
          POSTGRES_PASSWORD: { secret, key: "password" },
          POSTGRES_USER,
        },
      }),
    }),
  ];
}

export const postgresPackage: CatalogPackage = {
  id: "postgres",
  description: "PostgreSQL database server",
  kind: "service",
  configSchema,
  variants: VARIANTS,
  auto: { server: ["postgres"] },
  expand,
};
