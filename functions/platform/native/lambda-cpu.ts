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

/** The function's vCPUs when it runs as a Lambda function (or under serverless-offline); undefined elsewhere. */
export function functionVcpus(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return memoryMb > 0 ? vcpusFor(memoryMb) : undefined;
}
