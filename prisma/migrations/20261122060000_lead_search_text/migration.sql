-- DropIndex
DROP INDEX "leads_customer_name_trgm_idx";

-- DropIndex
DROP INDEX "leads_customer_email_trgm_idx";

-- DropIndex
DROP INDEX "leads_customer_phone_trgm_idx";

-- DropIndex
DROP INDEX "leads_address_trgm_idx";

-- DropIndex
DROP INDEX "leads_city_trgm_idx";

-- AlterTable
ALTER TABLE "leads" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- Hand-written: the search column is derived in the database, so no write path can forget it.
CREATE FUNCTION leads_search_text() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.search_text := lower(concat_ws(' ', NEW.customer_name, NEW.customer_email, NEW.customer_phone,
                                          NEW.address, NEW.postal_code, NEW.city));
  RETURN NEW;
END
$$;

CREATE TRIGGER leads_search_text BEFORE INSERT OR UPDATE ON "leads"
  FOR EACH ROW EXECUTE FUNCTION leads_search_text();

-- Backfill before building the index, so the index is built once.
UPDATE "leads" SET search_text = lower(concat_ws(' ', customer_name, customer_email, customer_phone,
                                                      address, postal_code, city));

-- CreateIndex
CREATE INDEX "leads_search_text_trgm_idx" ON "leads" USING GIN ("search_text" gin_trgm_ops);
