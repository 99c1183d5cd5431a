import type { HostileCase } from './case';

/** Every area's hostile cases, in one list (tests/integration/hostile-inputs.test.ts and the soak send them all). */
export const hostileCases: HostileCase[] = [];
