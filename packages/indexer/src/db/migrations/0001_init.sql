-- Chain data. Hashes and addresses are lowercase 0x hex text; wei amounts are NUMERIC(78,0).
-- Receipt fields live on the transaction row (one row per transaction).

CREATE TABLE sync_state (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  chain_id BIGINT NOT NULL,
  start_block BIGINT NOT NULL,
  -- The checkpoint: the highest block whose data is committed (start_block - 1 when none).
  indexed_number BIGINT NOT NULL,
  indexed_hash TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  parent_hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL,
  miner TEXT NOT NULL,
  gas_used NUMERIC(78, 0) NOT NULL,
  gas_limit NUMERIC(78, 0) NOT NULL,
  base_fee_per_gas NUMERIC(78, 0),
  tx_count INTEGER NOT NULL
);

CREATE TABLE transactions (
  hash TEXT PRIMARY KEY,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  tx_index INTEGER NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT,
  value NUMERIC(78, 0) NOT NULL,
  input TEXT NOT NULL,
  nonce BIGINT NOT NULL,
  gas NUMERIC(78, 0) NOT NULL,
  gas_price NUMERIC(78, 0),
  type SMALLINT,
  status SMALLINT,
  gas_used NUMERIC(78, 0),
  cumulative_gas_used NUMERIC(78, 0),
  effective_gas_price NUMERIC(78, 0),
  contract_address TEXT,
  UNIQUE (block_number, tx_index)
);
CREATE INDEX transactions_from_idx ON transactions (from_address, block_number);
CREATE INDEX transactions_to_idx ON transactions (to_address, block_number);

CREATE TABLE logs (
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  tx_index INTEGER NOT NULL,
  address TEXT NOT NULL,
  topic0 TEXT,
  topic1 TEXT,
  topic2 TEXT,
  topic3 TEXT,
  data TEXT NOT NULL,
  -- Filled when the emitting contract's ABI knows the event (also later, on registration).
  contract TEXT,
  event TEXT,
  args JSONB,
  PRIMARY KEY (block_number, log_index)
);
-- Few indexes keep the backfill fast: a transaction's logs are found by (block_number, tx_index)
-- through the primary key; event-name queries without an address scan backwards from the head.
CREATE INDEX logs_address_idx ON logs (address, block_number);

CREATE TABLE contracts (
  address TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  abi JSONB NOT NULL,
  source TEXT NOT NULL,
  registered_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  filter JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Delivery cursor: every outbox row of this subscription with seq <= it was acknowledged.
  delivered_seq BIGINT NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);

-- Outbox of events and retractions per subscription, written in the ingest transaction.
CREATE TABLE deliveries (
  seq BIGSERIAL PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('event', 'retracted')),
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  log_index INTEGER NOT NULL,
  payload JSONB NOT NULL
);
CREATE INDEX deliveries_subscription_idx ON deliveries (subscription_id, seq);
CREATE INDEX deliveries_block_idx ON deliveries (block_number);
