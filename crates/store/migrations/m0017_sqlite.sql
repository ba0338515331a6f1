-- m0017_lead_ratings, sqlite: the ratings already recorded, copied from the `lead.rated` events into
-- their typed table (the tallies already count them), then the tally triggers: legal reviews stay on
-- `events`, ratings are counted from `lead_ratings` columns.
-- Frozen: this is what landed. Later changes go into a new migration.
-- next statement
INSERT INTO lead_ratings (lead_id, org_id, satisfaction, at) SELECT lead_id, org_id, satisfaction, at FROM (SELECT CAST(e.subject_id AS BIGINT) AS lead_id, COALESCE(json_extract(e.payload, '$.org_id'), (SELECT COALESCE(l.replied_by_org_id, l.holder_org_id, l.received_org_id) FROM leads l WHERE l.id = CAST(e.subject_id AS BIGINT))) AS org_id, json_extract(e.payload, '$.satisfaction') AS satisfaction, e.at AS at, e.seq AS seq FROM events e WHERE e.kind = 'lead.rated') r WHERE org_id IS NOT NULL ORDER BY seq
-- next statement
DROP TRIGGER events_tally_insert
-- next statement
DROP TRIGGER events_tally_delete
-- next statement
CREATE TRIGGER events_tally_insert AFTER INSERT ON events WHEN (NEW.kind IN ('case.legal_review_passed', 'case.legal_review_failed')) BEGIN
INSERT INTO assessment_days (day, org_id, reviewed, review_failed) SELECT date(NEW.at, '+8 hours'), COALESCE(json_extract(NEW.payload, '$.org_id'), (SELECT c.holder_org_id FROM cases c WHERE c.id = CAST(NEW.subject_id AS BIGINT))), 1 * (1), 1 * (CASE WHEN NEW.kind = 'case.legal_review_failed' THEN 1 ELSE 0 END) WHERE NEW.kind IN ('case.legal_review_passed', 'case.legal_review_failed') AND date(NEW.at, '+8 hours') IS NOT NULL AND COALESCE(json_extract(NEW.payload, '$.org_id'), (SELECT c.holder_org_id FROM cases c WHERE c.id = CAST(NEW.subject_id AS BIGINT))) IS NOT NULL ON CONFLICT (day, org_id) DO UPDATE SET reviewed = assessment_days.reviewed + excluded.reviewed, review_failed = assessment_days.review_failed + excluded.review_failed;
END
-- next statement
CREATE TRIGGER events_tally_delete AFTER DELETE ON events WHEN (OLD.kind IN ('case.legal_review_passed', 'case.legal_review_failed')) BEGIN
INSERT INTO assessment_days (day, org_id, reviewed, review_failed) SELECT date(OLD.at, '+8 hours'), COALESCE(json_extract(OLD.payload, '$.org_id'), (SELECT c.holder_org_id FROM cases c WHERE c.id = CAST(OLD.subject_id AS BIGINT))), -1 * (1), -1 * (CASE WHEN OLD.kind = 'case.legal_review_failed' THEN 1 ELSE 0 END) WHERE OLD.kind IN ('case.legal_review_passed', 'case.legal_review_failed') AND date(OLD.at, '+8 hours') IS NOT NULL AND COALESCE(json_extract(OLD.payload, '$.org_id'), (SELECT c.holder_org_id FROM cases c WHERE c.id = CAST(OLD.subject_id AS BIGINT))) IS NOT NULL ON CONFLICT (day, org_id) DO UPDATE SET reviewed = assessment_days.reviewed + excluded.reviewed, review_failed = assessment_days.review_failed + excluded.review_failed;
END
-- next statement
CREATE TRIGGER lead_ratings_tally_insert AFTER INSERT ON lead_ratings WHEN (1 = 1) BEGIN
INSERT INTO assessment_days (day, org_id, rated, rated_good, rated_not_fixed) SELECT date(NEW.at, '+8 hours'), NEW.org_id, 1 * (1), 1 * (CASE WHEN NEW.satisfaction IN ('satisfied','basic') THEN 1 ELSE 0 END), 1 * (CASE WHEN NEW.satisfaction IN ('not_fixed') THEN 1 ELSE 0 END) WHERE 1 = 1 AND date(NEW.at, '+8 hours') IS NOT NULL AND NEW.org_id IS NOT NULL ON CONFLICT (day, org_id) DO UPDATE SET rated = assessment_days.rated + excluded.rated, rated_good = assessment_days.rated_good + excluded.rated_good, rated_not_fixed = assessment_days.rated_not_fixed + excluded.rated_not_fixed;
END
-- next statement
CREATE TRIGGER lead_ratings_tally_delete AFTER DELETE ON lead_ratings WHEN (1 = 1) BEGIN
INSERT INTO assessment_days (day, org_id, rated, rated_good, rated_not_fixed) SELECT date(OLD.at, '+8 hours'), OLD.org_id, -1 * (1), -1 * (CASE WHEN OLD.satisfaction IN ('satisfied','basic') THEN 1 ELSE 0 END), -1 * (CASE WHEN OLD.satisfaction IN ('not_fixed') THEN 1 ELSE 0 END) WHERE 1 = 1 AND date(OLD.at, '+8 hours') IS NOT NULL AND OLD.org_id IS NOT NULL ON CONFLICT (day, org_id) DO UPDATE SET rated = assessment_days.rated + excluded.rated, rated_good = assessment_days.rated_good + excluded.rated_good, rated_not_fixed = assessment_days.rated_not_fixed + excluded.rated_not_fixed;
END
