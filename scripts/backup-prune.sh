#!/usr/bin/env bash
# Retention of `govhub admin backup` directories (docs/operators.md, "Backups"):
#   scripts/backup-prune.sh DIR [DAILY=7] [WEEKLY=4]
# keeps the DAILY newest backups in DIR and the newest backup of each of the WEEKLY newest ISO
# weeks, and deletes the other govhub-backup-* directories. Unfinished ones (.partial: a backup
# killed half-way) go after a day. Ages come from the names (the UTC time of the backup), not
# from file times, so copying backups around does not change what is kept.
set -euo pipefail
dir=${1:?usage: backup-prune.sh DIR [DAILY] [WEEKLY]}
daily=${2:-7}
weekly=${3:-4}
mapfile -t all < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'govhub-backup-*' \
  ! -name '*.partial' -printf '%f\n' | sort -r)
declare -A keep=() weeks=()
n=0
for b in "${all[@]}"; do
  if ((n < daily)); then keep[$b]=1; fi
  n=$((n + 1))
  stamp=${b#govhub-backup-}
  week=$(date -u -d "${stamp:0:8}" +%G-W%V 2>/dev/null) || continue
  if [[ -z ${weeks[$week]:-} ]] && ((${#weeks[@]} < weekly)); then
    weeks[$week]=1
    keep[$b]=1
  fi
done
for b in "${all[@]}"; do
  if [[ -z ${keep[$b]:-} ]]; then
    echo "removing $dir/$b"
    rm -rf -- "${dir:?}/$b"
  fi
done
find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'govhub-backup-*.partial' -mmin +1440 \
  -exec rm -rf -- {} +
