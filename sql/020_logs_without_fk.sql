-- chargefleet schema, version 20: charger_logs has no foreign key to chargers.
-- Every log row (every frame of every charger: ~7,000 rows/s with 100,000 chargers
-- heartbeating) checked its charger through the key and locked the charger's row, which
-- writes to the chargers table as well: a third of the time of the log inserts at
-- 100,000 chargers. The logs of a deleted charger still go with it, by a statement
-- trigger (deletions are few and come in sets). A log row written while its charger is
-- being deleted can stay behind (the insert only writes rows of chargers that exist when
-- it runs): it goes with the retention trim.
ALTER TABLE charger_logs DROP CONSTRAINT charger_logs_charger_id_fkey;

CREATE FUNCTION cf_charger_logs_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM charger_logs l USING gone g WHERE l.charger_id = g.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER chargers_logs_gone AFTER DELETE ON chargers
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION cf_charger_logs_gone();
