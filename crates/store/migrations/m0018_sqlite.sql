-- m0018_known_values, sqlite: every stored state and kind is one the program knows (the values of its
-- enum when this landed); a write of anything else is refused by the database itself.
-- Frozen: this is what landed. A new value is a new migration.
-- next statement
CREATE TRIGGER orgs_kind_known_insert BEFORE INSERT ON orgs WHEN NEW.kind NOT IN ('government', 'department', 'enforcement_bureau', 'township', 'dispatched_unit', 'coordination_office', 'leading_group', 'police', 'procuratorate', 'court') BEGIN SELECT RAISE(ABORT, 'orgs.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER orgs_kind_known_update BEFORE UPDATE OF kind ON orgs WHEN NEW.kind NOT IN ('government', 'department', 'enforcement_bureau', 'township', 'dispatched_unit', 'coordination_office', 'leading_group', 'police', 'procuratorate', 'court') BEGIN SELECT RAISE(ABORT, 'orgs.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER orgs_level_known_insert BEFORE INSERT ON orgs WHEN NEW.level NOT IN ('province', 'city', 'county', 'township') BEGIN SELECT RAISE(ABORT, 'orgs.level: a value the program does not know'); END
-- next statement
CREATE TRIGGER orgs_level_known_update BEFORE UPDATE OF level ON orgs WHEN NEW.level NOT IN ('province', 'city', 'county', 'township') BEGIN SELECT RAISE(ABORT, 'orgs.level: a value the program does not know'); END
-- next statement
CREATE TRIGGER clocks_state_known_insert BEFORE INSERT ON clocks WHEN NEW.state NOT IN ('running', 'paused', 'satisfied', 'breached', 'cancelled') BEGIN SELECT RAISE(ABORT, 'clocks.state: a value the program does not know'); END
-- next statement
CREATE TRIGGER clocks_state_known_update BEFORE UPDATE OF state ON clocks WHEN NEW.state NOT IN ('running', 'paused', 'satisfied', 'breached', 'cancelled') BEGIN SELECT RAISE(ABORT, 'clocks.state: a value the program does not know'); END
-- next statement
CREATE TRIGGER supervision_orders_state_known_insert BEFORE INSERT ON supervision_orders WHEN NEW.state NOT IN ('open', 'closed') BEGIN SELECT RAISE(ABORT, 'supervision_orders.state: a value the program does not know'); END
-- next statement
CREATE TRIGGER supervision_orders_state_known_update BEFORE UPDATE OF state ON supervision_orders WHEN NEW.state NOT IN ('open', 'closed') BEGIN SELECT RAISE(ABORT, 'supervision_orders.state: a value the program does not know'); END
-- next statement
CREATE TRIGGER catalog_items_kind_known_insert BEFORE INSERT ON catalog_items WHEN NEW.kind NOT IN ('penalty', 'inspection', 'coercive_measure', 'other') BEGIN SELECT RAISE(ABORT, 'catalog_items.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER catalog_items_kind_known_update BEFORE UPDATE OF kind ON catalog_items WHEN NEW.kind NOT IN ('penalty', 'inspection', 'coercive_measure', 'other') BEGIN SELECT RAISE(ABORT, 'catalog_items.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER assignments_mode_known_insert BEFORE INSERT ON assignments WHEN NEW.mode NOT IN ('granted', 'entrusted', 'cooperation', 'retained') BEGIN SELECT RAISE(ABORT, 'assignments.mode: a value the program does not know'); END
-- next statement
CREATE TRIGGER assignments_mode_known_update BEFORE UPDATE OF mode ON assignments WHEN NEW.mode NOT IN ('granted', 'entrusted', 'cooperation', 'retained') BEGIN SELECT RAISE(ABORT, 'assignments.mode: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_channel_known_insert BEFORE INSERT ON leads WHEN NEW.channel NOT IN ('patrol', 'grid', 'complaint', 'hotline', 'superior_supervision', 'media', 'video_ai', 'department', 'open311') BEGIN SELECT RAISE(ABORT, 'leads.channel: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_channel_known_update BEFORE UPDATE OF channel ON leads WHEN NEW.channel NOT IN ('patrol', 'grid', 'complaint', 'hotline', 'superior_supervision', 'media', 'video_ai', 'department', 'open311') BEGIN SELECT RAISE(ABORT, 'leads.channel: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_status_known_insert BEFORE INSERT ON leads WHEN NEW.status NOT IN ('received', 'signed', 'no_violation', 'case_filed', 'transferring', 'duplicate', 'disputed', 'referred', 'finished') BEGIN SELECT RAISE(ABORT, 'leads.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_status_known_update BEFORE UPDATE OF status ON leads WHEN NEW.status NOT IN ('received', 'signed', 'no_violation', 'case_filed', 'transferring', 'duplicate', 'disputed', 'referred', 'finished') BEGIN SELECT RAISE(ABORT, 'leads.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_satisfaction_known_insert BEFORE INSERT ON leads WHEN NEW.satisfaction NOT IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed') BEGIN SELECT RAISE(ABORT, 'leads.satisfaction: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_satisfaction_known_update BEFORE UPDATE OF satisfaction ON leads WHEN NEW.satisfaction NOT IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed') BEGIN SELECT RAISE(ABORT, 'leads.satisfaction: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_outcome_known_insert BEFORE INSERT ON leads WHEN NEW.outcome NOT IN ('no_violation', 'not_found', 'educated', 'rectification_ordered', 'rectified', 'case_filed') BEGIN SELECT RAISE(ABORT, 'leads.outcome: a value the program does not know'); END
-- next statement
CREATE TRIGGER leads_outcome_known_update BEFORE UPDATE OF outcome ON leads WHEN NEW.outcome NOT IN ('no_violation', 'not_found', 'educated', 'rectification_ordered', 'rectified', 'case_filed') BEGIN SELECT RAISE(ABORT, 'leads.outcome: a value the program does not know'); END
-- next statement
CREATE TRIGGER cases_stage_known_insert BEFORE INSERT ON cases WHEN NEW.stage NOT IN ('filed', 'investigation', 'review', 'legal_review', 'decision', 'service', 'execution', 'closed', 'archived') BEGIN SELECT RAISE(ABORT, 'cases.stage: a value the program does not know'); END
-- next statement
CREATE TRIGGER cases_stage_known_update BEFORE UPDATE OF stage ON cases WHEN NEW.stage NOT IN ('filed', 'investigation', 'review', 'legal_review', 'decision', 'service', 'execution', 'closed', 'archived') BEGIN SELECT RAISE(ABORT, 'cases.stage: a value the program does not know'); END
-- next statement
CREATE TRIGGER cases_decision_kind_known_insert BEFORE INSERT ON cases WHEN NEW.decision_kind NOT IN ('penalty', 'no_penalty', 'commitment') BEGIN SELECT RAISE(ABORT, 'cases.decision_kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER cases_decision_kind_known_update BEFORE UPDATE OF decision_kind ON cases WHEN NEW.decision_kind NOT IN ('penalty', 'no_penalty', 'commitment') BEGIN SELECT RAISE(ABORT, 'cases.decision_kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER transfers_kind_known_insert BEFORE INSERT ON transfers WHEN NEW.kind NOT IN ('administrative', 'judicial') BEGIN SELECT RAISE(ABORT, 'transfers.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER transfers_kind_known_update BEFORE UPDATE OF kind ON transfers WHEN NEW.kind NOT IN ('administrative', 'judicial') BEGIN SELECT RAISE(ABORT, 'transfers.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER transfers_status_known_insert BEFORE INSERT ON transfers WHEN NEW.status NOT IN ('draft', 'approved', 'sent', 'accepted', 'rejected', 'withdrawn', 'reported') BEGIN SELECT RAISE(ABORT, 'transfers.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER transfers_status_known_update BEFORE UPDATE OF status ON transfers WHEN NEW.status NOT IN ('draft', 'approved', 'sent', 'accepted', 'rejected', 'withdrawn', 'reported') BEGIN SELECT RAISE(ABORT, 'transfers.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER disputes_kind_known_insert BEFORE INSERT ON disputes WHEN NEW.kind NOT IN ('rejected', 'conflict', 'buck_passing') BEGIN SELECT RAISE(ABORT, 'disputes.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER disputes_kind_known_update BEFORE UPDATE OF kind ON disputes WHEN NEW.kind NOT IN ('rejected', 'conflict', 'buck_passing') BEGIN SELECT RAISE(ABORT, 'disputes.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER disputes_status_known_insert BEFORE INSERT ON disputes WHEN NEW.status NOT IN ('negotiating', 'escalated', 'designated', 'settled') BEGIN SELECT RAISE(ABORT, 'disputes.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER disputes_status_known_update BEFORE UPDATE OF status ON disputes WHEN NEW.status NOT IN ('negotiating', 'escalated', 'designated', 'settled') BEGIN SELECT RAISE(ABORT, 'disputes.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER dispute_notes_kind_known_insert BEFORE INSERT ON dispute_notes WHEN NEW.kind NOT IN ('negotiation', 'minutes') BEGIN SELECT RAISE(ABORT, 'dispute_notes.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER dispute_notes_kind_known_update BEFORE UPDATE OF kind ON dispute_notes WHEN NEW.kind NOT IN ('negotiation', 'minutes') BEGIN SELECT RAISE(ABORT, 'dispute_notes.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_kind_known_insert BEFORE INSERT ON assistance_requests WHEN NEW.kind NOT IN ('material', 'appraisal', 'archive', 'on_site') BEGIN SELECT RAISE(ABORT, 'assistance_requests.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_kind_known_update BEFORE UPDATE OF kind ON assistance_requests WHEN NEW.kind NOT IN ('material', 'appraisal', 'archive', 'on_site') BEGIN SELECT RAISE(ABORT, 'assistance_requests.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_status_known_insert BEFORE INSERT ON assistance_requests WHEN NEW.status NOT IN ('sent', 'awaiting_supplement', 'answered', 'refused', 'withdrawn') BEGIN SELECT RAISE(ABORT, 'assistance_requests.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_status_known_update BEFORE UPDATE OF status ON assistance_requests WHEN NEW.status NOT IN ('sent', 'awaiting_supplement', 'answered', 'refused', 'withdrawn') BEGIN SELECT RAISE(ABORT, 'assistance_requests.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_rating_known_insert BEFORE INSERT ON assistance_requests WHEN NEW.rating NOT IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed') BEGIN SELECT RAISE(ABORT, 'assistance_requests.rating: a value the program does not know'); END
-- next statement
CREATE TRIGGER assistance_requests_rating_known_update BEFORE UPDATE OF rating ON assistance_requests WHEN NEW.rating NOT IN ('satisfied', 'basic', 'unsatisfied', 'not_fixed') BEGIN SELECT RAISE(ABORT, 'assistance_requests.rating: a value the program does not know'); END
-- next statement
CREATE TRIGGER documents_kind_known_insert BEFORE INSERT ON documents WHEN NEW.kind NOT IN ('filing_approval', 'inspection_record', 'penalty_notice', 'penalty_decision', 'service_receipt', 'transfer_letter', 'assistance_letter', 'closing_report') BEGIN SELECT RAISE(ABORT, 'documents.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER documents_kind_known_update BEFORE UPDATE OF kind ON documents WHEN NEW.kind NOT IN ('filing_approval', 'inspection_record', 'penalty_notice', 'penalty_decision', 'service_receipt', 'transfer_letter', 'assistance_letter', 'closing_report') BEGIN SELECT RAISE(ABORT, 'documents.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER instruction_receipts_status_known_insert BEFORE INSERT ON instruction_receipts WHEN NEW.status NOT IN ('sent', 'acknowledged', 'completed') BEGIN SELECT RAISE(ABORT, 'instruction_receipts.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER instruction_receipts_status_known_update BEFORE UPDATE OF status ON instruction_receipts WHEN NEW.status NOT IN ('sent', 'acknowledged', 'completed') BEGIN SELECT RAISE(ABORT, 'instruction_receipts.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER operations_mode_known_insert BEFORE INSERT ON operations WHEN NEW.mode NOT IN ('regular', 'special', 'emergency') BEGIN SELECT RAISE(ABORT, 'operations.mode: a value the program does not know'); END
-- next statement
CREATE TRIGGER operations_mode_known_update BEFORE UPDATE OF mode ON operations WHEN NEW.mode NOT IN ('regular', 'special', 'emergency') BEGIN SELECT RAISE(ABORT, 'operations.mode: a value the program does not know'); END
-- next statement
CREATE TRIGGER operations_status_known_insert BEFORE INSERT ON operations WHEN NEW.status NOT IN ('draft', 'pending', 'approved', 'rejected', 'running', 'closed', 'cancelled') BEGIN SELECT RAISE(ABORT, 'operations.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER operations_status_known_update BEFORE UPDATE OF status ON operations WHEN NEW.status NOT IN ('draft', 'pending', 'approved', 'rejected', 'running', 'closed', 'cancelled') BEGIN SELECT RAISE(ABORT, 'operations.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER meetings_kind_known_insert BEFORE INSERT ON meetings WHEN NEW.kind NOT IN ('regular', 'special') BEGIN SELECT RAISE(ABORT, 'meetings.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER meetings_kind_known_update BEFORE UPDATE OF kind ON meetings WHEN NEW.kind NOT IN ('regular', 'special') BEGIN SELECT RAISE(ABORT, 'meetings.kind: a value the program does not know'); END
-- next statement
CREATE TRIGGER meetings_status_known_insert BEFORE INSERT ON meetings WHEN NEW.status NOT IN ('collecting', 'scheduled', 'held', 'signed', 'cancelled') BEGIN SELECT RAISE(ABORT, 'meetings.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER meetings_status_known_update BEFORE UPDATE OF status ON meetings WHEN NEW.status NOT IN ('collecting', 'scheduled', 'held', 'signed', 'cancelled') BEGIN SELECT RAISE(ABORT, 'meetings.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER action_items_status_known_insert BEFORE INSERT ON action_items WHEN NEW.status NOT IN ('open', 'done') BEGIN SELECT RAISE(ABORT, 'action_items.status: a value the program does not know'); END
-- next statement
CREATE TRIGGER action_items_status_known_update BEFORE UPDATE OF status ON action_items WHEN NEW.status NOT IN ('open', 'done') BEGIN SELECT RAISE(ABORT, 'action_items.status: a value the program does not know'); END
