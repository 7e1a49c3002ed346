-- API tokens for machine clients, clearance rules, and the sign-in throttle.

-- A token is `sinergi_<id>_<secret>`; only the SHA-256 of the whole token is kept. `scope` narrows the
-- account's own territory (NULL: the account's scope as it is when the token is used).
CREATE TABLE api_token (
    id               TEXT PRIMARY KEY NOT NULL,
    digest           TEXT NOT NULL,
    account_id       INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    scope            TEXT REFERENCES region (code),
    read_only        INTEGER NOT NULL DEFAULT 0,
    created_at_ms    INTEGER NOT NULL,
    expires_at_ms    INTEGER,
    last_used_at_ms  INTEGER,
    revoked_at_ms    INTEGER
);
CREATE INDEX api_token_account ON api_token (account_id);

-- Who may read which classification: `agency` is '' for a rule that holds for every agency of the role.
CREATE TABLE clearance_rule (
    role    TEXT NOT NULL,
    agency  TEXT NOT NULL DEFAULT '',
    level   TEXT NOT NULL,
    PRIMARY KEY (role, agency)
);

-- Failed sign-ins per key (`user:<typed name>` or `addr:<ip>`) within a window, and the lock they caused.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY NOT NULL,
    failures         INTEGER NOT NULL,
    window_start_ms  INTEGER NOT NULL,
    locked_until_ms  INTEGER NOT NULL DEFAULT 0
);
