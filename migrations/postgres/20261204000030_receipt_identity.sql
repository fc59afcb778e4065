-- A receipt's identity (issue 16; receipts.md §2): besides person, institution and 診療年月, the
-- receipt kind (点数表: 医科 / 歯科 / 調剤 / DPC / 訪問看護), 入院・入院外, and for 調剤 the 処方医療機関.
-- Lines supersede each other only when all of these are equal (a re-claim of the same receipt).
-- Stored lines get the identity their own fields imply: the drug's 処方区分 and prescriber, the
-- notice's 診療区分 (食事・生活療養 is billed on the 入院 receipt).

ALTER TABLE drug_lines ADD COLUMN receipt_kind TEXT NOT NULL DEFAULT 'medical'
    CHECK (receipt_kind IN ('medical', 'dental', 'pharmacy', 'dpc', 'home_nursing'));
ALTER TABLE drug_lines ADD COLUMN care_setting TEXT NOT NULL DEFAULT 'outpatient'
    CHECK (care_setting IN ('inpatient', 'outpatient'));
ALTER TABLE drug_lines ADD COLUMN receipt_prescriber TEXT;
UPDATE drug_lines SET care_setting = 'inpatient' WHERE prescription = 'inpatient';
UPDATE drug_lines SET receipt_kind = 'pharmacy', receipt_prescriber = prescriber_id
    WHERE prescription = 'out_of_house';

ALTER TABLE expense_lines ADD COLUMN receipt_kind TEXT NOT NULL DEFAULT 'medical'
    CHECK (receipt_kind IN ('medical', 'dental', 'pharmacy', 'dpc', 'home_nursing'));
ALTER TABLE expense_lines ADD COLUMN care_setting TEXT NOT NULL DEFAULT 'outpatient'
    CHECK (care_setting IN ('inpatient', 'outpatient'));
ALTER TABLE expense_lines ADD COLUMN receipt_prescriber TEXT;
UPDATE expense_lines SET care_setting = 'inpatient' WHERE category IN ('医科入院', '歯科入院', '食事・生活療養');
UPDATE expense_lines SET receipt_kind = 'dental' WHERE category IN ('歯科入院', '歯科外来');
UPDATE expense_lines SET receipt_kind = 'pharmacy' WHERE category = '調剤';
UPDATE expense_lines SET receipt_kind = 'home_nursing' WHERE category = '訪問看護';

-- The supersession key, for reading one receipt's claims together.
CREATE INDEX drug_lines_receipt ON drug_lines
    (person_id, institution_id, service_month, receipt_kind, care_setting, receipt_prescriber);
CREATE INDEX expense_lines_receipt ON expense_lines
    (person_id, institution_id, service_month, receipt_kind, care_setting, receipt_prescriber);
