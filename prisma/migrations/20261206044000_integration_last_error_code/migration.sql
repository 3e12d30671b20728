-- AlterTable
ALTER TABLE "integration_accounts" ADD COLUMN     "last_error_code" TEXT;

-- Until now last_error held the vendor's own words ("connect ECONNREFUSED 127.0.0.1:9", HTTP bodies),
-- which admins saw in GET /api/integrations. Which kind of failure they were cannot be told from them
-- reliably, so they are replaced by a neutral summary; the next failure writes its own.
UPDATE "integration_accounts"
SET "last_error" = 'Fejlen er registreret før fejlkoderne; detaljerne står i driftsloggen',
    "last_error_code" = 'provider_unavailable'
WHERE "last_error" IS NOT NULL;
