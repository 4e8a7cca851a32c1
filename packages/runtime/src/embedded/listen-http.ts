import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CryptoKubeError } from "@cryptokube/core";

/**
 * Starts `server` listening and resolves with the bound port (useful with port 0).
 * Failures become CryptoKubeErrors naming the service, address and what to do.
 */
export function listenHttp(
  server: Server,
  options: { host: string; port: number; service: string },
): Promise<number> {
  const { host, port, service } = options;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const inUse = error.code === "EADDRINUSE";
      reject(
        new CryptoKubeError(
          inUse
            ? `${service} cannot listen on ${host}:${port}: the port is already in use`
            : `${service} cannot listen on ${host}:${port}: ${error.message}`,
          {
            code: inUse ? "PORT_IN_USE" : "LISTEN_FAILED",
            hint: inUse
              ? "stop the other process on that port or choose another port (0 picks a free one)"
              : "check the host address",
            cause: error,
          },
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Formats an http URL, bracketing IPv6 hosts. */
export function httpUrl(scheme: "http" | "ws", host: string, port: number): string {
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
