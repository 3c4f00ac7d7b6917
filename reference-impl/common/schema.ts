// The site database schema. Like the product, the modules of one instance share that instance's
// database: the app server or the mid relay writes broadlog rows, the MTA sends them and records
// the outcome, inMail records bounces and quarantines, the redirector writes tracking logs.
// Each column group has one writer, named below. Both sites hold the execution tables; at the
// mid site the broadlog rows are the product's broadLogMid (mkt_broadlog_id set).

/** Tables every site has: the execution tables. */
export const EXECUTION_SQL = `
create table if not exists delivery (
  id bigserial primary key,
  label text not null,
  template jsonb not null,
  -- mid site only: the marketing instance that sent it and its id there
  client text,
  mkt_delivery_id bigint,
  state text not null default 'edition',
  created_at timestamptz not null default now(),
  unique (client, mkt_delivery_id)
);
create table if not exists delivery_url (
  delivery_id bigint not null references delivery(id),
  url_id int not null,
  url text not null,
  label text,
  primary key (delivery_id, url_id)
);
create table if not exists broadlog (
  id bigserial primary key,
  delivery_id bigint not null references delivery(id),
  recipient_id bigint,
  mkt_broadlog_id bigint,
  email text not null,
  data jsonb not null default '{}',
  -- prepared | pending | sending | transmitted | sent | failed | ignored
  status text not null,
  failure_type text,
  failure_reason_code int,
  failure_reason text,
  failure_text text,
  reply_code text,
  -- written by the MTA
  tries int not null default 0,
  next_try_at timestamptz not null default now(),
  claimed_by text,
  claim_until timestamptz,
  indeterminate int not null default 0,
  prepared_at timestamptz not null default now(),
  transmitted_at timestamptz,
  event_at timestamptz,
  bounced_at timestamptz,
  -- first and last time a final status was recorded at this site (by the MTA, inMail or the sync)
  first_visible_at timestamptz,
  visible_at timestamptz,
  mod_xid xid8 not null default pg_current_xact_id()
);
create index if not exists broadlog_queue on broadlog (next_try_at, id) where status in ('pending', 'sending');
create index if not exists broadlog_changes on broadlog (mod_xid, id);
create index if not exists broadlog_delivery on broadlog (delivery_id, status);
create table if not exists tracking_log (
  id bigserial primary key,
  broadlog_id bigint not null,
  delivery_id bigint not null,
  url_id int not null,
  kind text not null,
  at timestamptz not null,
  user_agent text,
  -- marketing site in mid-sourcing: the row's id at the mid, and when the sync brought it
  source_id bigint,
  -- with several mids, which one ('' for the first, '@2'...): their row ids overlap
  source_mid text not null default '',
  synced_at timestamptz,
  mod_xid xid8 not null default pg_current_xact_id()
);
create index if not exists tracking_changes on tracking_log (mod_xid, id);
create unique index if not exists tracking_source on tracking_log (source_mid, source_id);
create table if not exists quarantine (
  email text primary key,
  status text not null,
  error_count int not null default 0,
  type text,
  reason_code int,
  reason text,
  updated_at timestamptz not null default now()
);
-- a changed row gets its transaction id, so readers can fetch "everything changed since" safely
create or replace function midsim_touch() returns trigger language plpgsql as $$
begin new.mod_xid := pg_current_xact_id(); return new; end $$;
drop trigger if exists broadlog_touch on broadlog;
create trigger broadlog_touch before update on broadlog for each row execute function midsim_touch();
`;

/** The marketing instance's own tables. */
export const MARKETING_SQL = `
create table if not exists recipient (
  id bigserial primary key,
  email text not null unique,
  first_name text,
  last_name text,
  city text,
  -- a column no template uses: it must never leave the marketing instance
  secret_note text,
  source text not null default 'import',
  created_at timestamptz not null default now()
);
create table if not exists delivery_part (
  delivery_id bigint not null references delivery(id),
  part_index int not null,
  first_broadlog_id bigint not null,
  last_broadlog_id bigint not null,
  count int not null,
  attempts int not null default 0,
  accepted_at timestamptz,
  primary key (delivery_id, part_index)
);
create table if not exists delivery_counter (
  delivery_id bigint primary key references delivery(id),
  counters jsonb not null,
  synced_at timestamptz not null
);
create table if not exists sync_cursor (
  name text primary key,
  position text not null,
  updated_at timestamptz not null default now()
);
-- the recipients a delivery targets (null: every recipient not in quarantine)
alter table delivery add column if not exists target jsonb;
`;

/** The mid-sourcing server's own tables. */
export const MID_SQL = `
create table if not exists received_part (
  client text not null,
  mkt_delivery_id bigint not null,
  part_index int not null,
  count int not null,
  received_at timestamptz not null default now(),
  primary key (client, mkt_delivery_id, part_index)
);
`;

/**
 * The mid relay's guarantee that a recipient of a delivery part is stored once (AppendDeliveryPart
 * is idempotent): its inserts rely on this index. Only the relay creates it; the deliberately
 * unsafe relay (mid.unsafeNonIdempotentParts) drops it, so that a part sent twice is stored twice.
 */
export const BROADLOG_MID_UNIQUE_SQL = `create unique index if not exists broadlog_mkt_id on broadlog (delivery_id, mkt_broadlog_id);`;
export const BROADLOG_MID_UNIQUE_DROP_SQL = `drop index if exists broadlog_mkt_id;`;
