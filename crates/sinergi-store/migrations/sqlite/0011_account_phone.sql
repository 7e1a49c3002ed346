-- The phone numbers of accounts, so that an SMS gateway's message is filed as the officer who sent it
-- (docs/sms.md). One number belongs to one account.
CREATE TABLE account_phone (
    phone       TEXT PRIMARY KEY NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES account (id)
);
CREATE INDEX account_phone_account ON account_phone (account_id);
