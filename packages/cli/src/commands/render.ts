/**
 * `cryptokube render`: the stack's Kubernetes manifests (YAML) or a Helm chart.
 * On stdout it never includes secret material (Secrets are left out, with a note);
 * with --out it generates the material once into its own mode-0600 file and
 * reuses that file on later renders, so re-rendering never rotates keys.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  generateSecretMaterial,
  type KubeObject,
  manifestsToYaml,
  type RenderOptions,
  renderHelmChart,
  renderManifests,
  SECRETS_VALUES_FILE,
  type SecretMaterial,
  secretMaterialFromManifests,
  secretMaterialFromValues,
  secretsValuesYaml,
} from "@cryptokube/kube";
import type { Plan } from "@cryptokube/plan/types";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliContext, CliExit, EXIT_USAGE } from "../context.ts";
import { loadStack, planStack } from "../load-stack.ts";
import { type FileOption, withFile } from "../options.ts";

export const SECRETS_FILE = "10-secrets.yaml";
const SECRET_MODE = 0o600;

interface RenderCommandOptions extends FileOption {
  out?: string;
  format: "yaml" | "helm";
  namespace?: string;
  storageClass?: string;
  storageSize: Record<string, string>;
  monitoring?: boolean;
}

type Material = SecretMaterial;

function collectSize(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([a-z0-9-]+(?:\/[a-z0-9-]+)?)=(\d+(?:\.\d+)?(?:[KMGTPE]i?)?)$/.exec(value);
  if (match === null)
    throw new InvalidArgumentError(
      `expected <component>[/<volume>]=<size> like eth=2Ti, got '${value}'`,
    );
  return { ...previous, [match[1] ?? ""]: match[2] ?? "" };
}

export function registerRender(program: Command, ctx: CliContext): void {
  const command = program
    .command("render")
    .description("render the stack's Kubernetes manifests (YAML) or a Helm chart");
  withFile(command);
  command
    .option(
      "-o, --out <dir>",
      "write files into DIR (with generated secrets, mode 0600) instead of stdout",
    )
    .addOption(
      new Option("--format <format>", "output format").choices(["yaml", "helm"]).default("yaml"),
    )
    .option("-n, --namespace <namespace>", "namespace of the stack (default: from the stack file)")
    .option("--storage-class <class>", "storage class of every volume")
    .option(
      "--storage-size <component[/volume]=size>",
      "volume size override (repeatable)",
      collectSize,
      {},
    )
    .option(
      "--monitoring",
      "include ServiceMonitor and PrometheusRule objects (Prometheus Operator CRDs)",
    )
    .action((options: RenderCommandOptions) => {
      const plan = planStack(ctx, loadStack(ctx, options.file), "kubernetes");
      const renderOptions: RenderOptions = {
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.storageClass === undefined ? {} : { storageClass: options.storageClass }),
        ...(Object.keys(options.storageSize).length === 0
          ? {}
          : { storageSize: options.storageSize }),
        monitoring: options.monitoring === true,
      };
      if (options.out === undefined) {
        if (options.format === "helm")
          throw new CliExit(
            EXIT_USAGE,
            "error: --format helm writes a chart directory; add --out <dir>",
          );
        ctx.stdout.write(manifestsToYaml(renderManifests(plan, renderOptions)));
        noteOmittedSecrets(ctx, plan);
        return;
      }
      const dir = resolve(ctx.cwd, options.out);
      mkdirSync(dir, { recursive: true });
      const written =
        options.format === "helm"
          ? writeChart(dir, plan, renderOptions)
          : writeYaml(dir, plan, renderOptions);
      ctx.stdout.write(`wrote ${written.join(", ")} to ${options.out}\n`);
    });
}

function noteOmittedSecrets(ctx: CliContext, plan: Plan): void {
  if (plan.secrets.length === 0) return;
  const names = plan.secrets.map((s) => s.name).join(", ");
  ctx.stderr.write(
    `note: Secrets (${names}) are not in this output, so it holds no secret material; ` +
      "`cryptokube render --out <dir>` generates them into a mode-0600 file, `cryptokube deploy` into the cluster\n",
  );
}

/** Material already in DIR wins; only secrets it lacks are generated. */
function materialFor(plan: Plan, existing: Material): Material {
  const fresh = generateSecretMaterial(plan);
  const material: Material = {};
  for (const decl of plan.secrets) {
    const kept = existing[decl.name];
    const usable = kept !== undefined && decl.keys.every((k) => typeof kept[k] === "string");
    const chosen = usable ? kept : fresh[decl.name];
    if (chosen !== undefined) material[decl.name] = chosen;
  }
  return material;
}

function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: SECRET_MODE });
  chmodSync(path, SECRET_MODE);
}

function fileOf(object: KubeObject): string {
  if (object.kind === "Namespace") return "00-namespace.yaml";
  if (object.kind === "Secret") return SECRETS_FILE;
  if (["ServiceMonitor", "PodMonitor", "PrometheusRule"].includes(object.kind))
    return "90-monitoring.yaml";
  const labels = object.metadata.labels;
  if (labels["app.kubernetes.io/name"] === "cryptokube") return "20-stack.yaml";
  return `30-${labels["app.kubernetes.io/instance"] ?? object.metadata.name}.yaml`;
}

function writeYaml(dir: string, plan: Plan, options: RenderOptions): string[] {
  const secretsPath = join(dir, SECRETS_FILE);
  const secrets = materialFor(
    plan,
    existsSync(secretsPath) ? secretMaterialFromManifests(readFileSync(secretsPath, "utf8")) : {},
  );
  const objects = renderManifests(plan, { ...options, secrets });
  const files = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const file = fileOf(object);
    files.set(file, [...(files.get(file) ?? []), object]);
  }
  // Files of components (or monitoring) the stack no longer has would be applied again.
  for (const name of readdirSync(dir)) {
    if (/^(30-.*|90-monitoring)\.yaml$/.test(name) && !files.has(name)) rmSync(join(dir, name));
  }
  for (const [file, list] of files) {
    const text = manifestsToYaml(list);
    if (file === SECRETS_FILE) writeSecretFile(join(dir, file), text);
    else writeFileSync(join(dir, file), text);
  }
  return [...files.keys()].sort();
}

function writeChart(dir: string, plan: Plan, options: RenderOptions): string[] {
  const chart = renderHelmChart(plan, options);
  rmSync(join(dir, "templates"), { recursive: true, force: true });
  for (const [path, text] of Object.entries(chart)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const secretsPath = join(dir, SECRETS_VALUES_FILE);
  const existing = existsSync(secretsPath)
    ? secretMaterialFromValues(readFileSync(secretsPath, "utf8"))
    : {};
  writeSecretFile(secretsPath, secretsValuesYaml(materialFor(plan, existing)));
  return [...Object.keys(chart), SECRETS_VALUES_FILE];
}
