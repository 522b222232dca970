-- Award history per currency: values in different currencies are never added together.
-- awards_total and awards_largest are now given in awards_currency (the currency with the
-- most awards); awards_by_currency holds every currency's count, total and largest award.
ALTER TABLE enrichment ADD COLUMN awards_currency VARCHAR;
ALTER TABLE enrichment ADD COLUMN awards_by_currency
    STRUCT(currency VARCHAR, awards INTEGER, total DOUBLE, largest DOUBLE)[];
