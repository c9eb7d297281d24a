#!/bin/sh
# The nightly backup (loa-backup.timer): a new directory under LOA_BACKUP_DIR, and backups older
# than LOA_BACKUP_KEEP_DAYS days removed. Run by hand: sudo /opt/loa/deploy/loa-manage backup --to DIR
set -eu
cd "$(dirname "$0")/.."
BACKUP_DIR="${LOA_BACKUP_DIR:-/var/backups/loa}"
KEEP_DAYS="${LOA_BACKUP_KEEP_DAYS:-14}"
.venv/bin/python manage.py backup --to "$BACKUP_DIR/$(date +%Y%m%d-%H%M%S)"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -mtime +"$KEEP_DAYS" -exec rm -rf {} +
