-- +goose Up
-- The figures' two references (to their return and to their indicator)
-- are checked once per statement rather than once per row. PostgreSQL's
-- foreign keys run a query and lock the referenced row for every figure
-- written: for the national long file (438,000 figures) that was two
-- thirds of the COPY's time, and the import fell behind the file being
-- read (PERFORMANCE P1). The triggers below check the same thing with one
-- join over the statement's rows, on both sides: figures must name a
-- return and an indicator that exist, and a return or indicator that
-- figures name can be neither deleted nor renumbered. The row locks a
-- foreign key takes are not needed: every write transaction holds the
-- write lock (pg_advisory_xact_lock), so none runs beside another.
ALTER TABLE observations DROP CONSTRAINT observations_return_id_fkey;
ALTER TABLE observations DROP CONSTRAINT observations_indicator_fkey;

-- +goose StatementBegin
CREATE FUNCTION observations_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = n.return_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'insert or update on table "observations" violates its reference to "returns": no such return';
    END IF;
    IF EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.code = n.indicator)) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'insert or update on table "observations" violates its reference to "indicators": no such indicator';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION returns_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o
               WHERE NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = o.id)
                 AND EXISTS (SELECT 1 FROM observations ob WHERE ob.return_id = o.id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'update or delete on table "returns" leaves figures in "observations" without their return';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION indicators_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o
               WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.code = o.code)
                 AND EXISTS (SELECT 1 FROM observations ob WHERE ob.indicator = o.code)) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'update or delete on table "indicators" leaves figures in "observations" without their indicator';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- A trigger with a transition table takes one event, so each has its own.
CREATE TRIGGER observations_references_insert AFTER INSERT ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_references_exist();
CREATE TRIGGER observations_references_update AFTER UPDATE ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_references_exist();
CREATE TRIGGER returns_referenced_delete AFTER DELETE ON returns
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION returns_keep_referenced();
CREATE TRIGGER returns_referenced_update AFTER UPDATE ON returns
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION returns_keep_referenced();
CREATE TRIGGER indicators_referenced_delete AFTER DELETE ON indicators
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_keep_referenced();
CREATE TRIGGER indicators_referenced_update AFTER UPDATE ON indicators
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_keep_referenced();

-- +goose StatementBegin
CREATE FUNCTION observations_keep_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM observations) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('cannot truncate table "%s" while "observations" holds figures that name it', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER returns_referenced_truncate BEFORE TRUNCATE ON returns
    FOR EACH STATEMENT EXECUTE FUNCTION observations_keep_references();
CREATE TRIGGER indicators_referenced_truncate BEFORE TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION observations_keep_references();

-- +goose Down
DROP TRIGGER indicators_referenced_truncate ON indicators;
DROP TRIGGER returns_referenced_truncate ON returns;
DROP FUNCTION observations_keep_references();
DROP TRIGGER indicators_referenced_update ON indicators;
DROP TRIGGER indicators_referenced_delete ON indicators;
DROP TRIGGER returns_referenced_update ON returns;
DROP TRIGGER returns_referenced_delete ON returns;
DROP TRIGGER observations_references_update ON observations;
DROP TRIGGER observations_references_insert ON observations;
DROP FUNCTION indicators_keep_referenced();
DROP FUNCTION returns_keep_referenced();
DROP FUNCTION observations_references_exist();
ALTER TABLE observations ADD CONSTRAINT observations_return_id_fkey FOREIGN KEY (return_id) REFERENCES returns (id);
ALTER TABLE observations ADD CONSTRAINT observations_indicator_fkey FOREIGN KEY (indicator) REFERENCES indicators (code);
