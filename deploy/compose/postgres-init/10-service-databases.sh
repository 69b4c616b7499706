#!/usr/bin/env bash
# One role and one database per service, each database owned by its service's role and closed to
# every other role, so that a service cannot read another's tables.
#
# The postgres image runs the files in /docker-entrypoint-initdb.d once, on the first start with an
# empty data directory, and never again: a password changed later must be changed in the database
# too (ALTER ROLE), or the volume removed (docker compose down -v).
#
# The image executes this file when it is executable and sources it otherwise, so it changes no
# shell option and never calls exit. Passwords come from <SERVICE>_DB_PASSWORD (docker-compose.yml
# sets them); SERVICE_DATABASES may name other services (the deployment tests use that).

create_service_database() {
    local service="$1"
    local variable="${service^^}"
    variable="${variable//-/_}_DB_PASSWORD"
    local password="${!variable-}"
    if [ -z "$password" ]; then
        echo "postgres-init: $variable is not set" >&2
        return 1
    fi
    psql --set ON_ERROR_STOP=1 --no-psqlrc --no-password \
        --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        --set service="$service" --set password="$password" <<'SQL' || return 1
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"service";
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
SQL
    echo "postgres-init: database and role $service created"
}

create_service_databases() {
    local service
    for service in ${SERVICE_DATABASES:-registry visa notifications reporting}; do
        create_service_database "$service" || return 1
    done
}

create_service_databases
