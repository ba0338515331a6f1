-- m0018_known_values, postgres: every stored state and kind is one the program knows (the values of its
-- enum when this landed); a write of anything else is refused by the database itself.
-- Frozen: this is what landed. A new value is a new migration.
-- next statement
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_known CHECK (kind IN ('government', 'department', 'enforcement_bureau', 'township', 'dispatched_unit', 'coordination_office', 'leading_group', 'police', 'procuratorate', 'court')) NOT VALID
-- next statement
ALTER TABLE orgs ADD CONSTRAINT orgs_level_known CHECK (level IN ('province', 'city', 'county', 'township')) NOT VALID
-- next statement
ALTER TABLE clocks ADD CONSTRAINT clocks_state_known CHECK (state IN ('running', 'paused', 'satisfied', 'breached', 'cancelled')) NOT VALID
-- next statement
ALTER TABLE supervision_orders ADD CONSTRAINT supervision_orders_state_known CHECK (state IN ('open', 'closed')) NOT VALID
-- next statement
ALTER TABLE catalog_items ADD CONSTRAINT catalog_items_kind_known CHECK (kind IN ('penalty', 'inspection', 'coercive_measure', 'other')) NOT VALID
-- next statement
ALTER TABLE assignments ADD CONSTRAINT assignments_mode_known CHECK (mode IN ('granted', 'entrusted', 'cooperation', 'retained')) NOT VALID
-- next statement
ALTER TABLE leads ADD CONSTRAINT leads_channel_known CHECK (channel IN ('patrol', 'grid', 'complaint', 'hotline', 'superior_supervision', 'media', 'video_ai', 'department', 'open311')) NOT VALID
-- next statement
ALTER TABLE leads ADD CONSTRAINT leads_status_known CHECK (status IN ('received', 'signed', 'no_violation', 'case_filed', 'transferring', 'duplicate', 'disputed', 'referred', 'finished')) NOT VALID
-- next statement
ALTER TABLE leads ADD CONSTRAINT leads_satisfaction_known CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed')) NOT VALID
-- next statement
ALTER TABLE leads ADD CONSTRAINT leads_outcome_known CHECK (outcome IN ('no_violation', 'not_found', 'educated', 'rectification_ordered', 'rectified', 'case_filed')) NOT VALID
-- next statement
ALTER TABLE cases ADD CONSTRAINT cases_stage_known CHECK (stage IN ('filed', 'investigation', 'review', 'legal_review', 'decision', 'service', 'execution', 'closed', 'archived')) NOT VALID
-- next statement
ALTER TABLE cases ADD CONSTRAINT cases_decision_kind_known CHECK (decision_kind IN ('penalty', 'no_penalty', 'commitment')) NOT VALID
-- next statement
ALTER TABLE transfers ADD CONSTRAINT transfers_kind_known CHECK (kind IN ('administrative', 'judicial')) NOT VALID
-- next statement
ALTER TABLE transfers ADD CONSTRAINT transfers_status_known CHECK (status IN ('draft', 'approved', 'sent', 'accepted', 'rejected', 'withdrawn', 'reported')) NOT VALID
-- next statement
ALTER TABLE disputes ADD CONSTRAINT disputes_kind_known CHECK (kind IN ('rejected', 'conflict', 'buck_passing')) NOT VALID
-- next statement
ALTER TABLE disputes ADD CONSTRAINT disputes_status_known CHECK (status IN ('negotiating', 'escalated', 'designated', 'settled')) NOT VALID
-- next statement
ALTER TABLE dispute_notes ADD CONSTRAINT dispute_notes_kind_known CHECK (kind IN ('negotiation', 'minutes')) NOT VALID
-- next statement
ALTER TABLE assistance_requests ADD CONSTRAINT assistance_requests_kind_known CHECK (kind IN ('material', 'appraisal', 'archive', 'on_site')) NOT VALID
-- next statement
ALTER TABLE assistance_requests ADD CONSTRAINT assistance_requests_status_known CHECK (status IN ('sent', 'awaiting_supplement', 'answered', 'refused', 'withdrawn')) NOT VALID
-- next statement
ALTER TABLE assistance_requests ADD CONSTRAINT assistance_requests_rating_known CHECK (rating IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed')) NOT VALID
-- next statement
ALTER TABLE documents ADD CONSTRAINT documents_kind_known CHECK (kind IN ('filing_approval', 'inspection_record', 'penalty_notice', 'penalty_decision', 'service_receipt', 'transfer_letter', 'assistance_letter', 'closing_report')) NOT VALID
-- next statement
ALTER TABLE instruction_receipts ADD CONSTRAINT instruction_receipts_status_known CHECK (status IN ('sent', 'acknowledged', 'completed')) NOT VALID
-- next statement
ALTER TABLE operations ADD CONSTRAINT operations_mode_known CHECK (mode IN ('regular', 'special', 'emergency')) NOT VALID
-- next statement
ALTER TABLE operations ADD CONSTRAINT operations_status_known CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'running', 'closed', 'cancelled')) NOT VALID
-- next statement
ALTER TABLE meetings ADD CONSTRAINT meetings_kind_known CHECK (kind IN ('regular', 'special')) NOT VALID
-- next statement
ALTER TABLE meetings ADD CONSTRAINT meetings_status_known CHECK (status IN ('collecting', 'scheduled', 'held', 'signed', 'cancelled')) NOT VALID
-- next statement
ALTER TABLE action_items ADD CONSTRAINT action_items_status_known CHECK (status IN ('open', 'done')) NOT VALID
