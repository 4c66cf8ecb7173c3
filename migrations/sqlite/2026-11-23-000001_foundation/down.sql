DROP TABLE audit_log;
DROP TABLE rate_limits;
DROP TABLE account_tokens;
DROP TABLE role_assignments;
DROP TABLE users;
DROP TABLE organisations;
DROP TABLE counties;
DROP TABLE regions;
