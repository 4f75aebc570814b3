-- Build numbers are handed out one at a time, never from a cache: H2 keeps 32 in hand by default
-- and loses what is left of them when the process dies, so a kill -9 made b7 be followed by b33.
-- The statement is the same on PostgreSQL, whose identities have a cache of 1 already.
ALTER TABLE builds ALTER COLUMN id SET CACHE 1;
