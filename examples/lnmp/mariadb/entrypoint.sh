#!/bin/sh
# First start (empty data directory): initialize it, then create the database and the
# application's user from MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD and set the
# root password from MARIADB_ROOT_PASSWORD, with a server that listens on no network.
# Every start ends in the real server, in the foreground.
set -eu
datadir=/var/lib/mysql
mkdir -p /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld
if [ ! -d "$datadir/mysql" ]; then
  echo "entrypoint: initializing $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db >/dev/null
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  i=0
  until mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 120 ] || { echo "entrypoint: the server did not start" >&2; exit 1; }
    sleep 0.5
  done
  mariadb --socket=/run/mysqld/init.sock <<SQL
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE:-blog}\`;
CREATE USER IF NOT EXISTS '${MARIADB_USER:-blog}'@'%' IDENTIFIED BY '${MARIADB_PASSWORD:-secret}';
GRANT ALL ON \`${MARIADB_DATABASE:-blog}\`.* TO '${MARIADB_USER:-blog}'@'%';
ALTER USER 'root'@'localhost' IDENTIFIED BY '${MARIADB_ROOT_PASSWORD:-rootsecret}';
FLUSH PRIVILEGES;
SQL
  kill "$pid"
  wait "$pid" || true
  echo "entrypoint: database ${MARIADB_DATABASE:-blog} ready"
fi
exec mariadbd --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --socket=/run/mysqld/mysqld.sock
