# shellcheck shell=bash
# Sourced by .ci/run: installs Debian's PostgreSQL if needed, runs a cluster of our own that
# listens on 127.0.0.1 only, creates the test database and exports SOCCRATES_TEST_POSTGRES.
# Runs as root on Debian 12; safe to source again (every step checks before it acts).

soccrates_pg_setup() {
	local port=${SOCCRATES_PG_PORT:-55432} cluster=soccrates db=soccrates_test user=soccrates
	local password=soccrates-test # loopback-only throwaway server for tests

	if ! command -v pg_createcluster >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null || return 1
	fi
	local version
	version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)

	if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$cluster"; then
		pg_createcluster "$version" "$cluster" -p "$port" --start-conf=manual \
			-- --auth-local=peer --auth-host=scram-sha-256 >/dev/null || return 1
	fi
	# Loopback only, whatever the cluster was created with; conf.d is read after postgresql.conf.
	local confd=/etc/postgresql/$version/$cluster/conf.d
	mkdir -p "$confd"
	printf "listen_addresses = '127.0.0.1'\nport = %s\nfsync = off\nmax_connections = 200\n" "$port" >"$confd/soccrates.conf"
	if ! pg_lsclusters -h | awk -v c="$cluster" '$2 == c {print $4}' | grep -qx online; then
		pg_ctlcluster "$version" "$cluster" start || return 1
	fi

	local psql=(runuser -u postgres -- psql -p "$port" -qtA -v ON_ERROR_STOP=1)
	if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != 1 ]; then
		"${psql[@]}" -c "CREATE ROLE $user LOGIN PASSWORD '$password'" || return 1
	fi
	if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		"${psql[@]}" -c "CREATE DATABASE $db OWNER $user" || return 1
	fi
	export SOCCRATES_TEST_POSTGRES="postgres://$user:$password@127.0.0.1:$port/$db?sslmode=disable"
}

soccrates_pg_setup || { echo "postgres.sh: could not set up the test PostgreSQL server" >&2; return 1 2>/dev/null || exit 1; }
unset -f soccrates_pg_setup
