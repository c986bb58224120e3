#!/bin/sh
# Makes the secrets docker-compose.yml reads, under ./secrets (or $CABLESCAN_SECRETS): the
# PostgreSQL password, one reviewer token per name given, and the operator token. Existing
# files are kept (run it again to add nothing; delete a file to make it anew). Prints the
# tokens once, for handing out.
#   scripts/compose-secrets.sh anna ben
set -eu
dir=${CABLESCAN_SECRETS:-./secrets}
mkdir -p "$dir"
chmod 700 "$dir"
token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# The containers run as uid 1000: the files must be readable there; the folder keeps others on this machine out.
make() { [ -s "$dir/$1" ] && return 0; umask 022; printf '%s\n' "$2" > "$dir/$1"; echo "wrote $dir/$1"; }
make postgres_password "$(token)"
make operator_token "$(token)"
if [ ! -s "$dir/reviewer_tokens" ]; then
  [ $# -gt 0 ] || { echo "say the reviewers' names: $0 anna ben" >&2; exit 2; }
  for name in "$@"; do printf '%s:%s\n' "$name" "$(token)"; done > "$dir/reviewer_tokens"
  chmod 644 "$dir/reviewer_tokens"
  echo "wrote $dir/reviewer_tokens:"
  cat "$dir/reviewer_tokens"
fi
