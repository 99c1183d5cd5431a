/** The parts of the API's answers the console shows (the full shapes are in GET /v1/openapi.json). */

export interface Feature {
  name: string;
  unit?: string;
  required?: boolean;
  type?: 'number' | 'integer' | 'category' | string;
  range?: { min: number; max: number };
  categories?: string[];
}

export interface ModelVersion {
  version: string;
  task: string;
  description?: string;
  input: { kind: 'image' | 'tabular' | string; features?: Feature[] };
  output: { kind: string; labels?: string[] };
  governance?: { approval?: { status: string } };
}

export interface AliasTarget {
  version: string;
  weight?: number;
}

export interface AliasMove {
  alias?: string;
  action?: string;
  from?: string;
  to?: string;
  actor: string;
  reason: string;
  at: string;
}

export interface Model {
  name: string;
  latestVersion: string;
  servedVersion?: string;
  versions: ModelVersion[];
  aliases?: Record<string, AliasTarget>;
  aliasHistory?: AliasMove[];
  disabled?: boolean;
}

export interface Detection {
  label: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

export interface PredictionResult {
  label?: string;
  confidence?: number;
  probabilities?: Record<string, number>;
  detections?: Detection[];
  score?: number;
  value?: number;
  uncertain?: boolean;
  reason?: string;
  /** A page in doubt read several ways: how many readings the probabilities are the mean of. */
  readings?: number;
}

export interface Prediction {
  predictionId: string;
  model: string;
  modelVersion: string;
  alias?: string;
  result: PredictionResult;
  warnings?: { field: string; value: number; range: { min: number; max: number } }[];
}

export interface PredictionRecord {
  predictionId: string;
  model: string;
  modelVersion?: string;
  alias?: string;
  source: string;
  status: string;
  createdAt: string;
  result?: PredictionResult;
  error?: { code: string; message: string };
}

export interface Training {
  trainingId: string;
  model: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | string;
  progress?: number;
  stage?: string;
  version?: string;
  metric?: string;
  error?: { code: string; message: string };
  dataReport?: {
    rows: { read: number; used: number };
    columns: { kept: { name: string }[]; dropped: { name: string; reason: string }[] };
  };
  leaderboard?: { candidate: string; cvScore?: number; status: string }[];
  metrics?: {
    heldOut?: Record<string, unknown> & {
      samples?: number;
      confusionMatrix?: { labels: string[]; counts: number[][] };
    };
  };
}
