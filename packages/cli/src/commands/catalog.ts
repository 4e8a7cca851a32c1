import { describePackage, listPackages, type PackageDescription } from "@cryptokube/catalog";
import type { Command } from "commander";
import { type CliContext, writeJson } from "../context.ts";
import { type JsonOption, withJson } from "../options.ts";
import { formatTable } from "../table.ts";

export function registerCatalog(program: Command, ctx: CliContext): void {
  const catalog = program
    .command("catalog")
    .description("the packages CryptoKube can run: versions, images, targets, endpoints");
  const list = catalog.command("list").description("list every package and where it runs");
  withJson(list);
  list.action((options: JsonOption) => {
    const packages = listPackages();
    if (options.json) {
      writeJson(ctx, packages);
      return;
    }
    const rows = packages.map((p) => [
      p.id,
      p.variants.join(","),
      p.targets.join(","),
      p.description,
    ]);
    ctx.stdout.write(formatTable(["PACKAGE", "VARIANTS", "TARGETS", "DESCRIPTION"], rows));
  });
  const show = catalog
    .command("show")
    .description("everything a package declares")
    .argument("<package>", "package id, e.g. ethereum");
  withJson(show);
  show.action((id: string, options: JsonOption) => {
    const description = describePackage(id);
    if (options.json) writeJson(ctx, description);
    else ctx.stdout.write(formatPackage(description));
  });
}

function formatPackage(pkg: PackageDescription): string {
  const lines = [`${pkg.id} (${pkg.kind}): ${pkg.description}`, ""];
  for (const v of pkg.variants) {
    lines.push(`${v.name} ${v.version}  [${v.role}]  ${v.description}`);
    lines.push(`  targets:   ${v.targets.join(", ")}`);
    if (v.image !== null) lines.push(`  image:     ${v.image}`);
    if (v.binary !== null) lines.push(`  binary:    ${v.binary}`);
    if (v.networks !== null) lines.push(`  networks:  ${v.networks.join(", ")}`);
    const endpoints = v.endpoints.map((e) => `${e.name} ${e.port}/${e.protocol}`).join(", ");
    lines.push(`  endpoints: ${endpoints || "-"}`);
    if (v.volumes.length > 0)
      lines.push(`  volumes:   ${v.volumes.map((x) => `${x.name} ${x.size}`).join(", ")}`);
    const health = v.health.readiness.map((p) => p.type).join(", ");
    lines.push(
      `  health:    ready when ${health || "running"}; alive when ${v.health.liveness.map((p) => p.type).join(", ") || "running"}`,
    );
    if (v.metrics !== null) lines.push(`  metrics:   ${v.metrics.endpoint} ${v.metrics.path}`);
    lines.push(
      `  resources: ${v.resources.requests.cpu} cpu, ${v.resources.requests.memory} memory (requests)`,
    );
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
