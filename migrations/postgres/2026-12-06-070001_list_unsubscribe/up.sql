-- The one-click unsubscribe address of a message people can stop getting (discussion
-- notifications and digests): sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
ALTER TABLE outbox_messages ADD COLUMN list_unsubscribe TEXT;
