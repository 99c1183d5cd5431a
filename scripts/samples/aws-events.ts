/** API Gateway HTTP API (payload 2.0) events, as serverless-offline and AWS hand them to the functions. */
export function httpEvent(
  routeKey: string,
  rawPath: string,
  extra: { headers?: Record<string, string>; pathParameters?: Record<string, string>; body?: Buffer } = {},
) {
  const method = routeKey.split(' ')[0] ?? 'GET';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: extra.headers ?? {},
    ...(extra.pathParameters && { pathParameters: extra.pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${rawPath.replace(/\W+/g, '-')}`,
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(extra.body ? { body: extra.body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
}
