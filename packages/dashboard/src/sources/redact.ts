/**
 * Removes known secrets (the devnet mnemonic, the accounts' private keys, the
 * access token) from text the dashboard shows or logs, such as component log
 * lines that echo a launch command.
 */
export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = [
    ...new Set(secrets.filter((s) => s.length >= 8).flatMap((s) => [s, s.replace(/^0x/, "")])),
  ].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  const pattern = new RegExp(needles.map(escapeRegExp).join("|"), "gi");
  return (text) => text.replace(pattern, "[redacted]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
