import { API_ROUTES, openApiPath, type ApiRoute, type ServiceName } from '@support-desk/contracts';

/**
 * The whole API's OpenAPI document, as stack mode serves it at /api/openapi.json:
 * each operation of the route table taken from the document its owner serves
 * (each service documents only the routes it registers), with the components
 * they reference. So it is what the running services say, never a copy that can
 * go stale, and the same document as `npm start`, which registers every route in
 * one app on the same service-kit (apps/gateway tests compare the two).
 */
type Json = Record<string, unknown>;
export type OpenApiDocument = Json & { paths?: Record<string, Record<string, Json>>; components?: Json & { schemas?: Record<string, unknown> } };

/** The services' documents cannot be joined into one (a service is down or disagrees with another). */
export class ApiDocumentError extends Error {
  constructor(
    message: string,
    readonly service: ServiceName,
  ) {
    super(message);
  }
}

const routes = Object.values(API_ROUTES) as ApiRoute[];
const owners = [...new Set(routes.map((r) => r.owner))];

export function joinApiDocuments(documents: Record<ServiceName, OpenApiDocument>): OpenApiDocument {
  const first = documents[owners[0]!]!;
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const operation = documents[route.owner]?.paths?.[path]?.[route.method.toLowerCase()];
    // Not documented by its owner (the admin console's page and files are hidden): not in the document either.
    if (operation) paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  const schemas: Record<string, unknown> = {};
  const from: Record<string, ServiceName> = {};
  for (const service of owners) {
    for (const [name, schema] of Object.entries(documents[service]?.components?.schemas ?? {})) {
      if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema))
        throw new ApiDocumentError(`The ${service} and ${from[name]} services document the schema ${name} differently`, service);
      schemas[name] = schema;
      from[name] ??= service;
    }
  }
  return { ...first, paths, components: { ...first.components, schemas } };
}

/** Each owner's served document, fetched now (a document is small and asked for rarely). */
export async function fetchApiDocument(upstreams: Record<ServiceName, string>, timeoutMs: number): Promise<OpenApiDocument> {
  const entries = await Promise.all(
    owners.map(async (service) => {
      let response: Response;
      try {
        response = await fetch(new URL('/api/openapi.json', upstreams[service]), { signal: AbortSignal.timeout(timeoutMs) });
      } catch {
        throw new ApiDocumentError(`The ${service} service is unavailable, and the API document includes its operations`, service);
      }
      if (!response.ok) throw new ApiDocumentError(`The ${service} service answered ${response.status} for its OpenAPI document`, service);
      return [service, (await response.json()) as OpenApiDocument] as const;
    }),
  );
  return joinApiDocuments(Object.fromEntries(entries) as Record<ServiceName, OpenApiDocument>);
}
