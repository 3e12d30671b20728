/** The Postman collection (v2.1) for an OpenAPI document, as `npm run openapi` writes it. */
export function buildCollection(spec: object): Promise<Record<string, unknown>>;
