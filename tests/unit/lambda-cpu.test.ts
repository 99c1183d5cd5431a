import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sessionOptions } from '../../functions/serving/inference/sessions';
import { nativeThreads, vcpusFor } from '../../functions/platform/native/lambda-cpu';

describe('threads from the Lambda memory size', () => {
  it('gives one thread per full vCPU, at least one and at most six', () => {
    expect(vcpusFor(128)).toBe(1);
    expect(vcpusFor(1024)).toBe(1);
    expect(vcpusFor(1769)).toBe(1);
    expect(vcpusFor(3538)).toBe(2);
    expect(vcpusFor(10240)).toBe(6);
  });

  it('reads the memory size Lambda and serverless-offline set, else VIGIE_NATIVE_THREADS, else leaves it to the libraries', () => {
    const cores = availableParallelism();
    expect(nativeThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3538' })).toBe(Math.min(2, cores));
    expect(nativeThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3538', VIGIE_NATIVE_THREADS: '1' })).toBe(Math.min(2, cores));
    // Never more than the machine's cores: Lambda shows a function its vCPUs; a laptop under serverless-offline has its own.
    expect(nativeThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '10240' })).toBe(Math.min(6, cores));
    expect(nativeThreads({ VIGIE_NATIVE_THREADS: '1' })).toBe(1);
    expect(nativeThreads({ VIGIE_NATIVE_THREADS: 'two' })).toBeUndefined();
    expect(nativeThreads({ VIGIE_NATIVE_THREADS: '0' })).toBeUndefined();
    expect(nativeThreads({})).toBeUndefined();
  });

  it('sizes the ONNX Runtime pool from the vCPUs, and leaves it to the runtime outside Lambda', () => {
    expect(sessionOptions(2)).toMatchObject({ intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    expect(sessionOptions(undefined)).not.toHaveProperty('intraOpNumThreads');
  });
});
