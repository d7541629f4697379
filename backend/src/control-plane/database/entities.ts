import { SessionEntity } from '../modules/auth/session.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';

/** Every entity, listed once: the data source and the Nest module share this list. */
export const ENTITIES = [UserEntity, SessionEntity];
