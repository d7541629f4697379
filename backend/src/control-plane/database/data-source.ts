// Entry for the TypeORM CLI only (migration:generate / migration:run); the app builds its own from the validated Env.
import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set to use the TypeORM CLI');
export default new DataSource(databaseOptions(url));
