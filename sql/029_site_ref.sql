-- chargefleet schema, version 29: a charger's site reference, as its request gave it.
ALTER TABLE chargers ADD COLUMN site_ref text;
