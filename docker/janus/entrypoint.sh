#!/bin/sh
# Starts Janus for Guestlink: copies the configuration (config/janus in the repository,
# mounted or built in at $JANUS_CONFIG_TEMPLATE) to $JANUS_CONFIG_DIR, writes the secrets
# from the environment into the copy, and runs Janus on it with the NAT settings as flags.
#   JANUS_ADMIN_KEY       required; the VideoRoom admin_key, equal to Guestlink's
#   JANUS_API_SECRET      optional; Janus's api_secret, equal to Guestlink's
#   JANUS_NAT_1_1         optional; public IP(s) advertised to browsers (--nat-1-1)
#   JANUS_RTP_PORT_RANGE  optional; UDP media ports, e.g. 20000-20200 (--rtp-port-range)
#   JANUS_ICE_ENFORCE_LIST optional; the only interfaces used for ICE (--ice-enforce-list)
# Extra arguments are passed on to janus.
set -eu

template=${JANUS_CONFIG_TEMPLATE:-/etc/janus-guestlink}
target=${JANUS_CONFIG_DIR:-/run/janus}

fail() {
	echo "janus-entrypoint: $*" >&2
	exit 1
}

# Secrets go between double quotes in a .jcfg file: keep to characters that need no escaping.
check_secret() {
	name=$1
	value=$2
	[ "${#value}" -ge 8 ] || fail "$name must be at least 8 characters long"
	case $value in
	*[!A-Za-z0-9._~+/=-]*) fail "$name may only contain letters, digits and . _ ~ + / = - (e.g. openssl rand -hex 24)" ;;
	esac
}

# Copies a .jcfg file, dropping every `key = ...` line and writing `key = "$value"` (value
# taken from the environment variable named $3) first in its general: { } section.
set_general() {
	file=$1
	key=$2
	variable=$3
	awk -v key="$key" -v variable="$variable" '
		$0 ~ "^[ \t]*" key "[ \t]*[=:]" { next }
		{ print }
		/^general[ \t]*:?[ \t]*\{/ && !done { print "\t" key " = \"" ENVIRON[variable] "\""; done = 1 }
		END { if (!done) exit 3 }
	' "$file" >"$file.new" || fail "no general: { section in $file"
	mv "$file.new" "$file"
}

[ -n "${JANUS_ADMIN_KEY:-}" ] || fail "JANUS_ADMIN_KEY is required (the same value as Guestlink's)"
check_secret JANUS_ADMIN_KEY "$JANUS_ADMIN_KEY"
[ -z "${JANUS_API_SECRET:-}" ] || check_secret JANUS_API_SECRET "$JANUS_API_SECRET"
if [ -n "${JANUS_RTP_PORT_RANGE:-}" ]; then
	range=$JANUS_RTP_PORT_RANGE
	printf '%s\n' "$range" | grep -Eqx '[0-9]{1,5}-[0-9]{1,5}' && [ "${range%-*}" -lt "${range#*-}" ] ||
		fail "JANUS_RTP_PORT_RANGE must look like 20000-20200 (first port lower than the last)"
fi
for file in janus.jcfg janus.transport.http.jcfg janus.plugin.videoroom.jcfg; do
	[ -f "$template/$file" ] || fail "$template/$file is missing (mount config/janus there)"
done

# The copy holds the secrets: readable by this user only.
umask 077
mkdir -p "$target"
[ "$(cd "$template" && pwd -P)" != "$(cd "$target" && pwd -P)" ] ||
	fail "JANUS_CONFIG_DIR must differ from JANUS_CONFIG_TEMPLATE"
rm -f "$target"/*.jcfg
cp "$template"/*.jcfg "$target"/
set_general "$target/janus.plugin.videoroom.jcfg" admin_key JANUS_ADMIN_KEY
if [ -n "${JANUS_API_SECRET:-}" ]; then
	set_general "$target/janus.jcfg" api_secret JANUS_API_SECRET
fi

set -- --configs-folder="$target" --disable-colors "$@"
[ -z "${JANUS_NAT_1_1:-}" ] || set -- "$@" --nat-1-1="$JANUS_NAT_1_1"
[ -z "${JANUS_RTP_PORT_RANGE:-}" ] || set -- "$@" --rtp-port-range="$JANUS_RTP_PORT_RANGE"
[ -z "${JANUS_ICE_ENFORCE_LIST:-}" ] || set -- "$@" --ice-enforce-list="$JANUS_ICE_ENFORCE_LIST"

exec janus "$@"
