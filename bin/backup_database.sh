#!/usr/bin/env bash
# The guide's backup_database.sh, kept so its cron lines work unchanged:
#   0 2 * * * /app/scripts/backup_database.sh --upload >> /var/log/backup.log 2>&1
# Everything it accepts is passed to `shiftsync-backup backup` (--upload, --keep-days N, --tier, --json).
# It works from anywhere: run in place, through a symlink (ln -s <checkout>/bin/backup_database.sh
# /app/scripts/), or as a copy in another folder, which finds shiftsync-backup in SHIFTSYNC_HOME/bin
# (SHIFTSYNC_HOME = the checkout) or on PATH.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
here="$(dirname "$self")"
for runner in "$here/shiftsync-backup" "${SHIFTSYNC_HOME:+$SHIFTSYNC_HOME/bin/shiftsync-backup}"; do
  if [ -n "$runner" ] && [ -x "$runner" ]; then
    exec "$runner" backup "$@"
  fi
done
if command -v shiftsync-backup >/dev/null 2>&1; then
  exec shiftsync-backup backup "$@"
fi
echo "backup_database.sh: cannot find shiftsync-backup (not beside $self, not in \$SHIFTSYNC_HOME/bin, not on PATH):" \
  "symlink this script from the checkout instead of copying it, or set SHIFTSYNC_HOME to the checkout;" \
  "no backup was made" >&2
exit 127
