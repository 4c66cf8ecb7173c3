DROP TABLE discussion_redaction_requests;
DROP TABLE discussion_redactions;
