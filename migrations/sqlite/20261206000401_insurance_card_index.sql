-- Issue 21/17: imports without person ids match each person by card (insurer number and
-- 被保険者番号); without this index each lookup read every insurance row (quadratic).
CREATE INDEX insurances_card ON insurances (insurer_number, number);
