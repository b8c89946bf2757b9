-- A PBX channel: call records are imported from its exports, so it has no webhook and
-- no secret (stored as '').
ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check
    CHECK (kind IN ('twilio_voice', 'twilio_sms', 'web', 'branch', 'pbx'));
