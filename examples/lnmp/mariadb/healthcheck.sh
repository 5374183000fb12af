#!/bin/sh
# Healthy once the application's user can query its database over TCP (compose's
# healthcheck runs this, as the official image's healthcheck.sh).
exec mariadb -h 127.0.0.1 -u"${MARIADB_USER:-blog}" -p"${MARIADB_PASSWORD:-secret}" \
  -e 'SELECT 1' "${MARIADB_DATABASE:-blog}" >/dev/null
