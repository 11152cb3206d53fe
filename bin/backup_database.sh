#!/usr/bin/env bash
# The guide's backup_database.sh, kept so its cron lines work unchanged:
#   0 2 * * * /app/scripts/backup_database.sh --upload >> /var/log/backup.log 2>&1
# Everything it accepts is passed to `shiftsync-backup backup` (--upload, --keep-days N, --tier, --json).
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/shiftsync-backup" backup "$@"
