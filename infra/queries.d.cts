declare function queryResources(context: unknown): Promise<{ Resources: Record<string, unknown> }>;
declare namespace queryResources {
  function savedQueries(): Array<{ name: string; queryString: string }>;
}
export = queryResources;
