-- Sign-in checks in flight (docs/security.md, "Sign-in throttle"). A password is checked only after a slot is
-- claimed for it in the same transaction that reads the lock: failures counted so far plus checks in flight stay
-- within the limit, so a burst of concurrent guesses gets exactly as many checks as guesses one after another.
ALTER TABLE login_throttle ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
