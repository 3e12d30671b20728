import { createHash } from 'node:crypto';

import { describe, it, expect } from 'vitest';

import { managesOwnTransaction, migrationChecksum } from './migrator.js';

describe('managesOwnTransaction', () => {
  it('is true for a Prisma enum change wrapped in BEGIN; … COMMIT;', () => {
    const sql = [
      '-- AlterEnum',
      'BEGIN;',
      `CREATE TYPE "Mood_new" AS ENUM ('happy', 'sad');`,
      `ALTER TABLE "people" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");`,
      'ALTER TYPE "Mood" RENAME TO "Mood_old";',
      'ALTER TYPE "Mood_new" RENAME TO "Mood";',
      'DROP TYPE "Mood_old";',
      'COMMIT;',
    ].join('\n');
    expect(managesOwnTransaction(sql)).toBe(true);
  });

  it('is true in lower case', () => {
    expect(managesOwnTransaction('begin;\ncreate table t (id int);\ncommit;\n')).toBe(true);
  });

  it('is true for START TRANSACTION', () => {
    expect(managesOwnTransaction('START TRANSACTION;\nCREATE TABLE t (id int);\nCOMMIT;')).toBe(true);
  });

  it('is true when BEGIN follows comments', () => {
    expect(
      managesOwnTransaction('-- a note\n/* another\n note */\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;'),
    ).toBe(true);
    expect(
      managesOwnTransaction('CREATE TABLE a (id int); -- first\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;'),
    ).toBe(true);
  });

  it('is false for ordinary DDL', () => {
    const sql = [
      '-- CreateTable',
      'CREATE TABLE "people" ("id" UUID NOT NULL, CONSTRAINT "people_pkey" PRIMARY KEY ("id"));',
      '-- CreateIndex',
      'CREATE INDEX "people_begin_idx" ON "people"("id");',
    ].join('\n');
    expect(managesOwnTransaction(sql)).toBe(false);
  });

  it('is false when BEGIN only appears in a comment', () => {
    expect(managesOwnTransaction('-- BEGIN;\nCREATE TABLE t (id int);\n-- COMMIT;')).toBe(false);
    expect(managesOwnTransaction('/*\nBEGIN;\n*/\nCREATE TABLE t (id int);')).toBe(false);
  });

  it('is false for a DO $$ BEGIN … END $$ block on one line', () => {
    const sql = `DO $$ BEGIN CREATE TYPE "x" AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN null; END $$;`;
    expect(managesOwnTransaction(sql)).toBe(false);
  });

  it('is false for the DO $$ BEGIN block Prisma writes (BEGIN after DO $$ on the same line)', () => {
    const sql = `DO $$ BEGIN\n    CREATE TYPE "x" AS ENUM ('a');\nEXCEPTION\n    WHEN duplicate_object THEN null;\nEND $$;`;
    expect(managesOwnTransaction(sql)).toBe(false);
  });

  // Regression: a PL/pgSQL `BEGIN` alone on its line inside a dollar-quoted body was taken for a
  // transaction of the script's own, so the script ran unwrapped and a failure in it left an unfinished
  // `_prisma_migrations` row that blocked every later run.
  it('is false for a DO $$ block whose BEGIN stands on its own line', () => {
    const sql = `DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'x') THEN\n    RAISE NOTICE 'x';\n  END IF;\nEND\n$$;`;
    expect(managesOwnTransaction(sql)).toBe(false);
  });

  // The same, for the usual shape of a trigger function.
  it('is false for a plpgsql function body whose BEGIN stands on its own line', () => {
    const sql = `CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;`;
    expect(managesOwnTransaction(sql)).toBe(false);
  });
});

describe('migrationChecksum', () => {
  it('is the lower-case SHA-256 hex of the script, as Prisma stores it', () => {
    const sql =
      '-- CreateTable\nCREATE TABLE "people" ("id" UUID NOT NULL, "name" TEXT NOT NULL DEFAULT \'Æbelø\');\n';
    const checksum = migrationChecksum(sql);
    expect(checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when one character of the script changes', () => {
    expect(migrationChecksum('CREATE TABLE a (id int);')).not.toBe(
      migrationChecksum('CREATE TABLE a (id int); '),
    );
  });
});

describe('managesOwnTransaction (other spellings of BEGIN)', () => {
  it.each([
    'BEGIN WORK;',
    'BEGIN TRANSACTION;',
    'BEGIN ISOLATION LEVEL SERIALIZABLE;',
    'START TRANSACTION READ WRITE;',
  ])('sees %s as the script opening its own transaction', (begin) => {
    expect(managesOwnTransaction(`${begin}\nALTER TABLE x ADD COLUMN y int;\nCOMMIT;`)).toBe(true);
  });
});
