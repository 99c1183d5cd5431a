import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files of swagger-ui-dist the page loads; scripts/build/functions.ts copies them beside the bundle (dist/docs/viewer). */
export const VIEWER_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;

/**
 * Beside the bundle in Lambda; in the package itself when run from source (tests, tsx). Everything is served by
 * the function: the page works offline and loads nothing from a CDN.
 */
function viewerDir(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'viewer');
  if (existsSync(bundled)) return bundled;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'));
}

/** No inline script: the page's own start-up is a file too, so the CSP can keep `script-src 'self'`. */
const START = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Vigie API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/start.js"></script>
</body>
</html>
`;

export interface ViewerFile {
  contentType: string;
  body: string;
}

let cache: Map<string, ViewerFile> | undefined;

/** The page (`''`) and its files by name, read once per container. */
export function viewerFile(name: string): ViewerFile | undefined {
  if (!cache) {
    const dir = viewerDir();
    cache = new Map<string, ViewerFile>([
      ['', { contentType: 'text/html; charset=utf-8', body: PAGE }],
      ['start.js', { contentType: 'text/javascript; charset=utf-8', body: START }],
      [
        'swagger-ui-bundle.js',
        { contentType: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, 'swagger-ui-bundle.js'), 'utf8') },
      ],
      ['swagger-ui.css', { contentType: 'text/css; charset=utf-8', body: readFileSync(join(dir, 'swagger-ui.css'), 'utf8') }],
    ]);
  }
  return cache.get(name);
}
