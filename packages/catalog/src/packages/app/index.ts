/**
 * The developer's own applications: a shell command locally, an image (built
 * or pulled) in containers. Env and command may hold `${...}` references,
 * resolved by the planner per target.
 */
import { PlanError } from "@cryptokube/core";
import type { HealthChecks, HealthProbe, RunSpec } from "@cryptokube/plan/types";
import type { App } from "@cryptokube/spec";
import { draftFromVariant } from "../../draft.ts";
import { appSchema } from "../../stack-schemas.ts";
import type {
  BuildContext,
  CatalogPackage,
  EndpointDecl,
  ExpandRequest,
  ReferenceSite,
  VariantDecl,
} from "../../types.ts";

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "app",
    role: "app",
    description: "A command run from the stack directory, or a container image",
    version: "local",
    targets: ["embedded", "process", "docker", "kubernetes"],
    endpoints: [],
    volumes: [],
    health: { readiness: [], liveness: [], startupSeconds: 60 },
    resources: { cpu: "100m", memory: "256Mi" },
    workload: "stateless",
  },
];

function buildSpec(app: App): { context: string; dockerfile: string } | undefined {
  if (app.build === undefined) return undefined;
  if (typeof app.build === "string") return { context: app.build, dockerfile: "Dockerfile" };
  return { context: app.build.context, dockerfile: app.build.dockerfile ?? "Dockerfile" };
}

function appHealth(app: App, endpoints: EndpointDecl[]): HealthChecks {
  const h = app.health;
  const first = endpoints[0]?.name;
  const endpoint = h?.port ?? first;
  const readiness: HealthProbe[] = [];
  if (h?.http !== undefined && endpoint !== undefined) {
    readiness.push({ type: "http", endpoint, path: h.http });
  }
  if (h?.tcp === true && endpoint !== undefined) readiness.push({ type: "tcp", endpoint });
  if (h?.command !== undefined) readiness.push({ type: "exec", command: ["sh", "-c", h.command] });
  // Without a declared check, an app with a port is ready once the port answers.
  if (h === undefined && endpoint !== undefined) readiness.push({ type: "tcp", endpoint });
  const liveness: HealthProbe[] = endpoint === undefined ? [] : [{ type: "tcp", endpoint }];
  return { readiness, liveness, startupSeconds: h?.timeout ?? 60 };
}

function checkRunnable(app: App, req: ExpandRequest): void {
  if (app.command === undefined && app.image === undefined && app.build === undefined) {
    throw new PlanError([
      {
        path: req.source,
        message: `app '${req.name}' has nothing to run`,
        suggestion: "add command: (a shell command) or image: / build:",
      },
    ]);
  }
  if (req.target === "kubernetes" && app.image === undefined && app.build === undefined) {
    throw new PlanError([
      {
        path: req.source,
        message: `app '${req.name}' has only a command; the kubernetes target runs container images`,
        suggestion: "add image: (or build: with a Dockerfile) to the app",
      },
    ]);
  }
  const port = app.health?.port;
  if (port !== undefined && app.ports?.[port] === undefined) {
    throw new PlanError([
      {
        path: `${req.source}.health.port`,
        message: `app '${req.name}' declares no port named '${port}'`,
        suggestion: `declared ports: ${Object.keys(app.ports ?? {}).join(", ") || "none"}`,
      },
    ]);
  }
}

function runSpec(ctx: BuildContext, app: App, name: string, source: string): RunSpec {
  const build = buildSpec(app);
  // Built images are tagged after the stack so two stacks never share a tag.
  const image = app.image ?? (build === undefined ? undefined : `${ctx.stack.name}-${name}:dev`);
  if (app.command !== undefined) {
    return {
      type: "command",
      command: ctx.resolveReferences(app.command, `${source}.command`),
      cwd: app.cwd ?? ".",
      ...(image === undefined ? {} : { image }),
      ...(build === undefined ? {} : { build }),
    };
  }
  return {
    type: "image",
    image: image ?? "",
    args: [],
    ...(build === undefined ? {} : { build }),
  };
}

function expand(req: ExpandRequest) {
  const app = appSchema.parse(req.config);
  checkRunnable(app, req);
  const variant = VARIANTS[0];
  if (variant === undefined) return [];
  const endpoints: EndpointDecl[] = Object.entries(app.ports ?? {}).map(([name, port]) => ({
    name,
    protocol: "http",
    port,
  }));
  const envEntries = Object.entries(app.env ?? {});
  const references: ReferenceSite[] = envEntries.map(([key, value]) => ({
    path: `${req.source}.env.${key}`,
    text: String(value),
  }));
  if (app.command !== undefined) {
    references.push({ path: `${req.source}.command`, text: app.command });
  }
  return [
    draftFromVariant({
      name: req.name,
      kind: "app",
      package: "app",
      variant,
      variantSource: req.source,
      source: req.source,
      endpoints,
      health: appHealth(app, endpoints),
      restart: app.restart,
      watch: [...(app.watch ?? [])],
      stackDependsOn: (app.depends_on ?? []).map((text, i) => ({
        path: `${req.source}.depends_on[${i}]`,
        text,
      })),
      references,
      fixedPorts: true,
      build: (ctx) => ({
        run: runSpec(ctx, app, req.name, req.source),
        env: Object.fromEntries(
          envEntries.map(([key, value]) => [
            key,
            ctx.resolveReferences(String(value), `${req.source}.env.${key}`),
          ]),
        ),
      }),
    }),
  ];
}

export const appPackage: CatalogPackage = {
  id: "app",
  description: "One of your own applications",
  kind: "app",
  configSchema: appSchema,
  variants: VARIANTS,
  auto: { app: ["app"] },
  expand,
};
