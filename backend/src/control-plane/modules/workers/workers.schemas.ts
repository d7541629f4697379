import { z } from 'zod';
import { objectName } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';

/** A remote worker's token is for one SIP Proxy application, named as in the configuration. */
export const WorkerTokenCreateBody = declareSchema('WorkerTokenCreateBody', z.strictObject({ app: objectName }));
