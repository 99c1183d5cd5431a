import type { HostileCase } from './case';
import { cases as apiEdges } from './api-edges';
import { cases as batchCrash } from './batch-crash';
import { cases as httpInput } from './http-input';
import { cases as subjects } from './subjects';
import { cases as training } from './training';

/** Every area's hostile cases, in one list (tests/integration/hostile-inputs.test.ts and the soak send them all). */
export const hostileCases: HostileCase[] = [...batchCrash, ...httpInput, ...subjects, ...apiEdges, ...training];
