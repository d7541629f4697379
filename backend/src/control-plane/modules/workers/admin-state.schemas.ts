import { z } from 'zod';
import { APPLICATION_ADMIN_STATES, SERVER_ADMIN_STATES } from '../../../contracts/worker-protocol.js';
import { declareSchema } from '../../common/validation.js';

const states = (list: readonly string[]) => z.enum(list as [string, ...string[]], `must be one of ${list.map((s) => `"${s}"`).join(', ')}`);

/** PUT /api/applications/{name}/admin-state: `drained` takes no new dialogs, `stopped` ends the workers. */
export const ApplicationAdminStateBody = declareSchema(
  'ApplicationAdminStateBody',
  z.strictObject({ state: states(APPLICATION_ADMIN_STATES) }),
);
/** PUT /api/sip-servers/{name}/admin-state: `out-of-service` for maintenance (a switchover when it is active). */
export const ServerAdminStateBody = declareSchema('ServerAdminStateBody', z.strictObject({ state: states(SERVER_ADMIN_STATES) }));
