// Type-only check of a client generated from the versus OpenAPI document; nothing here is run.
// clients/check.sh generates schema.d.ts with openapi-typescript, then runs `tsc --noEmit`.
// Every read below must type-check as written, and the one `@ts-expect-error` must stay an error.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

// Every read answers JSON, CSV or text, and the document lists all three media types on each
// 200; the second type argument picks the JSON one, as openapi-fetch documents for such APIs
// (without it, `data` is the union of the three bodies).
const client = createClient<paths, "application/json">({ baseUrl: "http://127.0.0.1:8000" });

export async function firstAspects(): Promise<{ total: number; slug: string; next: string | null }> {
  const { data, error } = await client.GET("/v1/aspects", { params: { query: { limit: 5 } } });
  if (data === undefined) {
    throw new Error(`GET /v1/aspects failed: ${JSON.stringify(error)}`);
  }
  const total: number = data.total;
  const items: readonly unknown[] = data.items;
  const slug: string = data.items[0].slug;
  const next: string | null = data.next;

  // @ts-expect-error -- `total` is a number; if this assignment type-checks, the types are wrong.
  const misuse: string = data.total;
  void misuse;

  void items;
  return { total, slug, next };
}

export async function oneAspect(key: string): Promise<string> {
  const { data, error } = await client.GET("/v1/aspects/{key}", { params: { path: { key } } });
  if (data === undefined) {
    throw new Error(`GET /v1/aspects/${key} failed: ${JSON.stringify(error)}`);
  }
  const slug: string = data.slug;
  return slug;
}
