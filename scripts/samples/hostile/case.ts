/**
 * The hostile-input corpus for tabular rows, CSV batches, trainings, `/v2` and the API's edges (issue #20): what a
 * careless or hostile user sends, and what the platform must answer. One file per area beside this one, each
 * exporting `cases`; tests/integration/hostile-inputs.test.ts sends every case to one local platform and then
 * checks that serverless-offline never restarted. Image cases live in ../bad-inputs.ts.
 */
export type HostileCase = {
  name: string;
  /** The item of the issue that found it, e.g. `#20.6`. */
  issue: string;
} & (
  | {
      via: 'http';
      method: 'GET' | 'POST' | 'PUT' | 'DELETE';
      /** Path and query, e.g. `/v1/models/iris/predict`. */
      path: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** The answer: status, problem `code` (or `/v2`'s error text contains it), and a cap on its size. */
      answer: { status: number; code?: string; maxBytes?: number };
    }
  | {
      /** An upload to the uploads bucket under `incoming/<model>/…` (a CSV batch or an image). */
      via: 's3';
      key: string;
      body: string | Buffer;
      metadata?: Record<string, string>;
      contentType?: string;
      /** The record the upload must end with (never `running`). */
      record: { status: 'succeeded' | 'rejected' | 'failed'; code?: string };
    }
  | {
      /** `POST /v1/models/<model>/trainings?<query>` with a `text/csv` body, then polled to its end. */
      via: 'training';
      model: string;
      query: string;
      body: string | Buffer;
      /** 202 then this final state, or the refusal given at once. */
      answer: { status: 202; final: { status: 'succeeded' | 'failed'; code?: string } } | { status: number; code: string };
    }
);
