/**
 * The generic object API without the client's typed models in the way. The stock
 * KubernetesObjectApi serialises known kinds through its generated models, which
 * silently drop fields the models do not know (a newer API field, or any key that is
 * not camelCase, such as a CRD schema's x-kubernetes-preserve-unknown-fields); for
 * server-side apply a dropped field means the server removes it. Here requests carry
 * the object's own JSON, and responses come back as plain JSON.
 */
import {
  ApiException,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type ResponseContext,
} from "@kubernetes/client-node";

export interface ApplyRawOptions {
  fieldManager: string;
  force: boolean;
  dryRun: boolean;
}

export class RawObjectApi extends KubernetesObjectApi {
  static forConfig(config: KubeConfig): RawObjectApi {
    const api = config.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(config);
    return api;
  }

  /** Server-side apply of the object exactly as given. */
  async applyRaw(object: KubernetesObject, options: ApplyRawOptions): Promise<KubernetesObject> {
    const path = await this.specUriPath(object, "patch");
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam("Accept", "application/json");
    request.setHeaderParam("Content-Type", PatchStrategy.ServerSideApply);
    request.setQueryParam("fieldManager", options.fieldManager);
    if (options.force) request.setQueryParam("force", "true");
    if (options.dryRun) request.setQueryParam("dryRun", "All");
    // JSON is YAML: the apply-patch+yaml content type accepts it as is.
    request.setBody(JSON.stringify(object));
    return this.requestPromise(request);
  }

  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
  ): Promise<T> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299)
      return JSON.parse(await response.body.text()) as T;
    throw new ApiException(
      response.httpStatusCode,
      "Unsuccessful HTTP Request",
      await response.getBodyAsAny(),
      response.headers,
    );
  }
}
