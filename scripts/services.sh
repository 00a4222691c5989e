#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, database `test`) and Redis (127.0.0.1:6379) answer,
# starting them, and installing them from Debian's packages when absent and we are root.
# Exits 0 when both answer, 1 otherwise (with the reason on stderr).
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

install_pkgs() {
  if [ "$(id -u)" != 0 ]; then
    echo "Install them with: sudo apt-get install -y $*" >&2
    return 1
  fi
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || install_pkgs postgresql postgresql-client || true
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      echo "PostgreSQL is installed but has no cluster." >&2
    else
      # Trust local TCP connections, as the test machines are set up.
      hba=/etc/postgresql/$version/main/pg_hba.conf
      grep -q "^host all all 127.0.0.1/32 trust" "$hba" 2>/dev/null || \
        sed -i '1i host all all 127.0.0.1/32 trust' "$hba" 2>/dev/null || true
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
      for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    fi
  fi
fi
if pg_up; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 || \
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null 2>&1 || true
fi

if ! redis_up; then
  command -v redis-server >/dev/null || install_pkgs redis-server || true
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
fi

ok=0
pg_up || { echo "PostgreSQL is not answering on 127.0.0.1:5432." >&2; ok=1; }
redis_up || { echo "Redis is not answering on 127.0.0.1:6379." >&2; ok=1; }
exit $ok
