/**
 * The console's Content-Security-Policy, wherever it is served (the console function locally, CloudFront in AWS:
 * infra/console.yml holds the same text, which tests/infra/package.test.ts compares): its own script and style, the
 * pictures the person picked (blob:), and the API of the same origin. No inline script or style element, no other
 * origin, no framing.
 */
export const CONSOLE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
