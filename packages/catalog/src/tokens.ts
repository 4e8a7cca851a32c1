/**
 * Placeholders that targets substitute in run args. They keep host paths and
 * secret material out of the plan: a plan is the same wherever it runs.
 */

/** Path of a component's volume: a host directory locally, the mountPath in a container. */
export function volumeToken(volume: string): string {
  return `{{volume:${volume}}}`;
}

/** Path of a file holding one key of a generated or external secret. */
export function secretFileToken(secret: string, key: string): string {
  return `{{secret:${secret}/${key}}}`;
}

/** Path of a file whose content is `settings.files[name]` of the same component. */
export function fileToken(name: string): string {
  return `{{file:${name}}}`;
}

/**
 * Value of an environment variable of the same component, for flags that take a
 * secret as a literal value. Kubernetes expands `$(NAME)` in args natively; the
 * local targets expand it from the component's env.
 */
export function envToken(name: string): string {
  return `$(${name})`;
}
