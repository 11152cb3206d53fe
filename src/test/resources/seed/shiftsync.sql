-- A small ShiftSync-like schema: the demo's and the tests' everyday database.
CREATE TABLE organisations (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
    id              serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES organisations (id),
    email           text NOT NULL UNIQUE,
    display_name    text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE shifts (
    id         bigserial PRIMARY KEY,
    user_id    integer NOT NULL REFERENCES users (id),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    role       text NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE TABLE uploads (
    id          bigserial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id),
    blob_name   text NOT NULL,
    size_bytes  bigint NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE upload_analytics (
    id         bigserial PRIMARY KEY,
    upload_id  bigint NOT NULL REFERENCES uploads (id),
    metric     text NOT NULL,
    value      numeric NOT NULL,
    details    jsonb
);

INSERT INTO organisations (name) VALUES ('Harbour Café'), ('Northside Clinic'), ('Depot 7');
INSERT INTO users (organisation_id, email, display_name)
SELECT 1 + g % 3, 'user' || g || '@shiftsync.test', 'User ' || g FROM generate_series(1, 60) g;
INSERT INTO shifts (user_id, starts_at, ends_at, role)
SELECT 1 + g % 60, timestamptz '2024-01-01 06:00+00' + g * interval '3 hours',
       timestamptz '2024-01-01 14:00+00' + g * interval '3 hours',
       (ARRAY['barista', 'nurse', 'driver', 'manager'])[1 + g % 4]
  FROM generate_series(1, 2000) g;
INSERT INTO uploads (user_id, blob_name, size_bytes)
SELECT 1 + g % 60, 'uploads/' || md5(g::text) || '.pdf', 1000 + g * 37 FROM generate_series(1, 300) g;
INSERT INTO upload_analytics (upload_id, metric, value, details)
SELECT 1 + g % 300, (ARRAY['views', 'downloads', 'shares'])[1 + g % 3], g % 97,
       jsonb_build_object('source', 'web', 'n', g)
  FROM generate_series(1, 1500) g;
