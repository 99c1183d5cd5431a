import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Sent on every answer: the API serves JSON to programs, never pages to frame or sniff. */
export const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Binary bodies travel base64-encoded through API Gateway and back to raw bytes for the client. */
export function image(
  contentType: string,
  bytes: Buffer,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: { 'content-type': contentType, ...securityHeaders, ...headers },
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/** A text document for people (a model card in Markdown). */
export function text(contentType: string, body: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 200, headers: { 'content-type': contentType, ...securityHeaders }, body };
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...securityHeaders }, body: JSON.stringify(body) };
}
