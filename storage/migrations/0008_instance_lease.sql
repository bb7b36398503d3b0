-- One bot process per database: the running instance holds this one row and renews its
-- heartbeat; a second instance refuses to start while the heartbeat is fresh.
CREATE TABLE instance_lease (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    holder        TEXT NOT NULL,      -- "<host>:<pid>:<random>" of the running instance
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL
);
