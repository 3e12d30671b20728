-- Bookings and slot offers lie between 2000-01-01 and 2100-01-01 (enforced by triggers at the end;
-- schema.prisma names them on the models).
--
-- Why: PostgreSQL stores a time in year 10000, but the driver turns it back into an invalid Date, so
-- one booking made for 9999-12-31 23:30 (ending in year 10000) made every list, lead detail and
-- meeting page that included it answer 500 for its tenant, and no API call could repair it. The API
-- now refuses such times with a 400 naming the field; these triggers make the database refuse
-- them too, whatever path writes a booking (an API call, a customer's SMS answer, a job).
--
-- The migration's own transaction reads and repairs every tenant's rows: row-level security is FORCEd
-- on these tables, so it takes the system path as the app's named system transactions do.
SELECT set_config('app.system', 'on', true);

-- Repair first, so no row already stored breaks the rule.
--
-- A booking outside the window is cancelled and soft-deleted, not deleted: it is the user's record
-- (the lead, activities, SMS and an invoice may point at it), so it stays, out of every list, with
-- its original time written into its notes. Its times are moved to the moment it was created (with
-- its duration), because a soft-deleted row is still read by paths that include deleted bookings and
-- must be readable there. Cancelled, it no longer holds its team's time (the overlap constraint
-- covers live bookings only), and an activity on its timeline says why it disappeared. The lead's
-- status is left as it is: a person decides what a lead whose booking was impossible should become.
CREATE TEMPORARY TABLE "repaired_bookings" AS
  SELECT "id", "tenant_id", "lead_id", "customer_id", "starts_at"::text AS "old_starts_at",
         "ends_at"::text AS "old_ends_at", "status"::text AS "old_status"
  FROM "bookings"
  WHERE NOT ("starts_at" >= '2000-01-01 00:00:00+00' AND "ends_at" <= '2100-01-01 00:00:00+00'
             AND "starts_at" < "ends_at");

UPDATE "bookings" AS b
SET "notes" = concat_ws(E'\n', b."notes",
      format('Aflyst automatisk: tidspunktet %s – %s lå uden for 2000–2100 og kunne ikke vises.',
             r."old_starts_at", r."old_ends_at")),
    "status" = CASE WHEN b."status" IN ('completed', 'expired') THEN b."status" ELSE 'cancelled' END,
    "cancelled_at" = CASE WHEN b."status" IN ('completed', 'expired') THEN b."cancelled_at"
                          ELSE coalesce(b."cancelled_at", now()) END,
    "deleted_at" = coalesce(b."deleted_at", now()),
    "starts_at" = b."created_at",
    "ends_at" = b."created_at" + greatest(b."duration_hours", 0.5) * interval '1 hour',
    "updated_at" = now()
FROM "repaired_bookings" AS r
WHERE b."id" = r."id";

INSERT INTO "activities" ("id", "tenant_id", "type", "title", "description", "status", "customer_id",
                          "lead_id", "booking_id", "metadata")
SELECT gen_random_uuid(), r."tenant_id", 'booking', 'Booking aflyst',
       format('Bookingen lå uden for 2000–2100 (%s) og er aflyst og skjult.', r."old_starts_at"),
       'warning', r."customer_id", r."lead_id", r."id",
       jsonb_build_object('from', r."old_status", 'startsAt', r."old_starts_at", 'endsAt', r."old_ends_at")
FROM "repaired_bookings" AS r;

DROP TABLE "repaired_bookings";

-- A slot offer outside the window was never a time anyone could take: it is withdrawn (if still
-- open) and its times moved to its creation, as for bookings (an hour long: the length of an offer
-- nobody can take no longer matters). Offers are the system's own proposals, with nothing of the
-- user's in them to keep.
UPDATE "slot_offers"
SET "status" = CASE WHEN "status" = 'offered' THEN 'withdrawn' ELSE "status" END,
    "starts_at" = "created_at",
    "ends_at" = "created_at" + interval '1 hour',
    "expires_at" = "created_at",
    "updated_at" = now()
WHERE NOT ("starts_at" >= '2000-01-01 00:00:00+00' AND "ends_at" <= '2100-01-01 00:00:00+00'
           AND "starts_at" < "ends_at"
           AND "expires_at" >= '2000-01-01 00:00:00+00' AND "expires_at" <= '2100-01-01 00:00:00+00');

-- The rule itself, as triggers that raise a CHECK violation worded as PostgreSQL words one (SQLSTATE
-- 23514 naming the rule, which the API answers as a 400 saying what is wrong): a trigger rather than a
-- CHECK constraint because Prisma's schema cannot name CHECK constraints, and the project's drift
-- check compares constraints but leaves triggers and functions to migrations.
CREATE FUNCTION "renos_booking_time_window"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW."starts_at" >= '2000-01-01 00:00:00+00' AND NEW."ends_at" <= '2100-01-01 00:00:00+00'
          AND NEW."starts_at" < NEW."ends_at") THEN
    RAISE EXCEPTION 'new row for relation "bookings" violates check constraint "bookings_time_window"'
      USING ERRCODE = 'check_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = 'bookings_time_window',
            DETAIL = 'A booking must lie between 2000-01-01 and 2100-01-01 and end after it starts.';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "bookings_time_window" BEFORE INSERT OR UPDATE OF "starts_at", "ends_at" ON "bookings"
  FOR EACH ROW EXECUTE FUNCTION "renos_booking_time_window"();

CREATE FUNCTION "renos_slot_offer_time_window"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW."starts_at" >= '2000-01-01 00:00:00+00' AND NEW."ends_at" <= '2100-01-01 00:00:00+00'
          AND NEW."starts_at" < NEW."ends_at"
          AND NEW."expires_at" >= '2000-01-01 00:00:00+00'
          AND NEW."expires_at" <= '2100-01-01 00:00:00+00') THEN
    RAISE EXCEPTION 'new row for relation "slot_offers" violates check constraint "slot_offers_time_window"'
      USING ERRCODE = 'check_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = 'slot_offers_time_window',
            DETAIL = 'A slot offer must lie between 2000-01-01 and 2100-01-01 and end after it starts.';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "slot_offers_time_window" BEFORE INSERT OR UPDATE OF "starts_at", "ends_at", "expires_at"
  ON "slot_offers" FOR EACH ROW EXECUTE FUNCTION "renos_slot_offer_time_window"();
