import type { HostileCase } from './case';

const setosa = JSON.stringify({ features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } });
const approval = (notes: string) => JSON.stringify({ decision: 'approved', approver: 'A Reviewer', notes });

/**
 * The API's edges (issue #20.19): bodies whose media type is missing or wrong, and approval notes written to
 * inject Markdown into a model card. Sent with the platform's own key, which holds every permission.
 */
export const cases: HostileCase[] = [
  {
    name: 'a JSON predict body without a Content-Type (AWS hands it over without one)',
    issue: '#20.19',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/predict',
    body: Buffer.from(setosa),
    answer: { status: 415, code: 'unsupported-media-type', maxBytes: 1_000 },
  },
  {
    name: 'an approval without a Content-Type',
    issue: '#20.19',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/versions/1.0.0/approval',
    body: Buffer.from(approval('held-out accuracy reviewed')),
    answer: { status: 415, code: 'unsupported-media-type', maxBytes: 1_000 },
  },
  {
    name: 'an approval sent as text/plain',
    issue: '#20.19',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/versions/1.0.0/approval',
    headers: { 'content-type': 'text/plain' },
    body: approval('held-out accuracy reviewed'),
    answer: { status: 415, code: 'unsupported-media-type', maxBytes: 1_000 },
  },
  {
    // A shipped version is reviewed in the repository: refused before any card is written, whatever the notes.
    name: 'approval notes that inject a heading, a link and HTML into the card',
    issue: '#20.19',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/versions/1.0.0/approval',
    headers: { 'content-type': 'application/json' },
    body: approval('ok\n# Approved by the board\n[details](https://evil.example) <script>alert(1)</script>'),
    answer: { status: 404, code: 'model-not-found', maxBytes: 1_000 },
  },
];
