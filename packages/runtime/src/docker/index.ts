/** The docker target: components as containers through the Docker Engine API. */
export { cleanupDockerStack, type DockerCleanupResult } from "./cleanup.ts";
export { exitOf } from "./container-launcher.ts";
export { containerSpec, containerTokenPaths } from "./container-spec.ts";
export { createDockerClient, dockerSocketPath } from "./docker-client.ts";
export { CONTAINER_USER, createDockerDriver, runsInContainer } from "./docker-driver.ts";
export {
  dockerStackIdentity,
  LABEL_COMPONENT,
  LABEL_STACK,
  LABEL_STACK_DIR,
} from "./stack-identity.ts";
export { listStackVolumes } from "./stack-resources.ts";
