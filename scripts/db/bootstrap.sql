-- One service's database and roles. Idempotent; run as a PostgreSQL superuser with
--   psql -v ON_ERROR_STOP=1 -v db=ocms_identity -v owner=ocms_identity_owner \
--        -v app=ocms_identity_app -v owner_pw=... -v app_pw=... -f bootstrap.sql
-- Used by scripts/stack.py (dev and test profiles) and by the postgres container's
-- init script (scripts/db/compose-init.sh). Production creates the same shape with
-- real secrets (the passwords here are dev-only, derived from the role names).
--
-- owner: owns the database and schema public, runs the migrations (so owns the tables).
-- app:   what the service connects as. Owns nothing, so row-level security applies to it
--        and it cannot change the schema; it gets data rights through default privileges.

SELECT format('CREATE ROLE %I', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- ALTER every time, so a role from an older bootstrap gets today's attributes.
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_pw';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_pw';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";

\connect :"db"
SET client_min_messages TO warning;
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Extensions later services need; created by the superuser so migrations only
-- `CREATE EXTENSION IF NOT EXISTS` (a no-op) and the owner needs no extra rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Whatever the owner creates from now on (migrations) is usable by the app role...
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO :"app";
-- ...and so is whatever already exists (a database migrated before this ran).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO :"app";
