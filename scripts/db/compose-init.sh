#!/usr/bin/env bash
# PostgreSQL container init (/docker-entrypoint-initdb.d): runs once, on an empty data
# volume, as the image's superuser. Creates each service's database and roles with the
# same SQL as the process stack (scripts/db/bootstrap.sql, mounted at /ocms-db).
# OCMS_DB_SERVICES lists the services that own a database (docker-compose.yml sets it).
# Passwords: OCMS_DB_PASSWORD_<ROLE> if set, else the dev password "<role>-dev".
set -euo pipefail
for svc in ${OCMS_DB_SERVICES:?set OCMS_DB_SERVICES}; do
  owner="ocms_${svc}_owner"
  app="ocms_${svc}_app"
  owner_var="OCMS_DB_PASSWORD_${owner^^}"
  app_var="OCMS_DB_PASSWORD_${app^^}"
  psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v db="ocms_${svc}" -v owner="$owner" -v app="$app" \
    -v owner_pw="${!owner_var:-${owner}-dev}" -v app_pw="${!app_var:-${app}-dev}" \
    -f "${OCMS_DB_SQL:-/ocms-db/bootstrap.sql}"
done
