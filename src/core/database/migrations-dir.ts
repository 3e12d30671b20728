import { resolve } from 'node:path';

/** The migration folders, relative to the working directory (the repository root, or /app in the image). */
export const MIGRATIONS_DIR = resolve('prisma/migrations');
