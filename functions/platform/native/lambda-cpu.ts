import { availableParallelism } from 'node:os';

/**
 * Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB, six at 10,240 MB. Native
 * thread pools sized from `os.cpus()` see the host's cores instead, and on a fraction of a vCPU their threads
 * only take turns; they are sized from the configured memory instead.
 */
export const MB_PER_VCPU = 1769;
const MAX_VCPUS = 6;

/** Threads worth running at this memory size: the vCPUs Lambda gives, at least one. */
export function vcpusFor(memoryMb: number): number {
  return Math.min(MAX_VCPUS, Math.max(1, Math.round(memoryMb / MB_PER_VCPU)));
}

/**
 * The threads native pools (ONNX Runtime's, libvips') should use: the function's vCPUs when it runs as a Lambda
 * function, never more than the machine has (under serverless-offline the 10,240 MB imports function would run six
 * on a 2-core laptop); elsewhere `VIGIE_NATIVE_THREADS` when set, else undefined, and each
 * library sizes its pool from the host's cores. The test lanes set 1 (vitest.config.ts): they run one file per core,
 * and a second ONNX Runtime thread per file only spun (the realistic digits set: 71.5 → 39.7 s of CPU for the same
 * 38–39 s of wall time).
 */
export function nativeThreads(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (memoryMb > 0) return Math.min(vcpusFor(memoryMb), availableParallelism());
  const asked = Number(env.VIGIE_NATIVE_THREADS);
  return Number.isInteger(asked) && asked > 0 ? asked : undefined;
}
