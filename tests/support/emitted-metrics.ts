import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';

/** One metric as CloudWatch files it from an EMF blob: namespace, name, and the names of one dimension set. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  dimensions: string[];
}

interface EmfBlob {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
}

/**
 * The metrics `run` publishes through Powertools (every Metrics instance, single metrics included), as their
 * embedded-metric-format blobs declare them: what CloudWatch would hold after it, whatever the tests' environment
 * (which turns the printing off) says.
 */
export function emittedMetrics(run: () => void): EmittedMetric[] {
  const blobs: EmfBlob[] = [];
  const publish = Metrics.prototype.publishStoredMetrics;
  const spy = vi.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    blobs.push(this.serializeMetrics() as unknown as EmfBlob);
    return publish.call(this);
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return blobs.flatMap((blob) =>
    blob._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.flatMap((metric) =>
        directive.Dimensions.map((dimensions) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: [...dimensions].sort(),
        })),
      ),
    ),
  );
}
