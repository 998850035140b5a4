#!/usr/bin/env bash
# export-zone in a directory others can write (issue 11): a planted symlink is
# never written through, a zone name that is a symlink, FIFO or device is
# refused without blocking, a zone file whose serial cannot be read is an
# error naming it, the file and directory are fsync'ed around the rename, and
# a failed export leaves no temporary behind.
. "$(dirname "$0")/lib.sh"
echo "zone_ns = ns1.example.com" >> "$CONFIG"

Z=113.0.203.in-addr.arpa.zone
expect 0 create 203.0.113.10 mail.example.com
expect 0 create 198.51.100.7 host.example.net

# ---- a symlink planted at a temporary's name is never followed -------------------------------
# The temporary once had a fixed name (".<zone>.tmp"); whoever could write the directory could
# point it at a file of the user running ptrctl (often root) and have it overwritten.
mkdir zones
echo "precious" > victim
ln -s "$WORK/victim" "zones/.$Z.tmp"
ln -s "$WORK/victim" "zones/.$Z.zone.tmp" # any name of that family
expect 0 export-zone --out zones --ns ns1.example.com
eq "$(cat victim)" "precious" "the symlink's target is untouched"
[ -f "zones/$Z" ] && [ ! -L "zones/$Z" ] || fail "the zone is a regular file of its own"
has "$(cat "zones/$Z")" "mail.example.com." "the zone was written"
eq "$(readlink "zones/.$Z.tmp")" "$WORK/victim" "the planted link is left as it was"

# ---- a zone name that exists as something other than a regular file is refused ---------------
rm -rf zones && mkdir zones
ln -s "$WORK/victim" "zones/$Z"
expect 3 export-zone --out zones
has "$ERR" "zones/$Z: a symbolic link where a zone file belongs" "the symlink is named"
eq "$(cat victim)" "precious" "the symlink's target is untouched"
[ -L "zones/$Z" ] || fail "the symlink is not replaced"

rm -rf zones && mkdir zones && mkfifo "zones/$Z"
RC=0
timeout 20 "$PTRCTL" export-zone --out zones >"$WORK/out" 2>"$WORK/err" || RC=$?
ERR=$(cat "$WORK/err")
eq "$RC" 3 "a FIFO at a zone's name is refused, not waited on (124: it blocked)"
has "$ERR" "a FIFO where a zone file belongs" "the FIFO is named"
[ -p "zones/$Z" ] || fail "the FIFO is left as it was"

if mknod "zones/dev.arpa.zone" c 1 3 2>/dev/null; then # /dev/null's numbers; needs root
    rm -f "zones/$Z"
    RC=0
    timeout 20 "$PTRCTL" export-zone --out zones >"$WORK/out" 2>"$WORK/err" || RC=$?
    eq "$RC" 3 "a device at a zone's name is refused"
    has "$(cat "$WORK/err")" "a device or socket" "the device is named"
else
    echo "note: mknod not permitted: the device case is not checked" >&2
fi

# --out itself a FIFO: refused at once.
mkfifo fifo-out
RC=0
timeout 20 "$PTRCTL" export-zone --out fifo-out >"$WORK/out" 2>"$WORK/err" || RC=$?
eq "$RC" 3 "--out a FIFO is refused, not waited on (124: it blocked)"

# ---- a zone file whose serial cannot be read is an error naming it ---------------------------
rm -rf zones && mkdir zones
expect 0 export-zone --out zones
echo 'garbage without a start of authority' > zones/9.9.9.in-addr.arpa.zone
expect 3 export-zone --out zones
has "$ERR" "zones/9.9.9.in-addr.arpa.zone: no SOA serial could be read" "the file is named"
expect 3 --json export-zone --out zones
json_ok "$OUT" "--json failure of export-zone"
json_is '.error.code' '"PTRCTL_E_IO"' "the JSON error object"
rm zones/9.9.9.in-addr.arpa.zone

# ---- fsync of the file before its rename, of the directory after it --------------------------
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true >/dev/null 2>&1; then
    rm -rf zones && mkdir zones
    CHECKS=$((CHECKS + 1))
    # LeakSanitizer cannot run under ptrace: off for this one run in sanitizer builds.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -e trace=fsync,rename,renameat,renameat2 -o trace.txt "$PTRCTL" export-zone --out zones \
        >/dev/null 2>&1 || fail "export-zone under strace"
    # Expected per zone: fsync(file) then rename, then fsync(directory).
    calls=$(sed -n 's/^[0-9]* *\(fsync\|rename[a-z0-9]*\)(.*/\1/p' trace.txt | tr '\n' ' ')
    eq "$calls" "fsync renameat fsync fsync renameat fsync " "fsync around every rename"
else
    echo "note: strace missing or not permitted: the fsync order is not checked" >&2
fi

# ---- a failed export leaves no temporary behind ----------------------------------------------
# A file size limit makes the write fail (SIGXFSZ ignored, so write returns EFBIG): 64 KiB lets
# SQLite open the database (its -shm file is 32 KiB) but not write a zone of 250 long records.
rm -rf zones && mkdir zones
label=$(printf 'x%.0s' $(seq 60))
for o in 1 2 3 4 5; do
    { echo "ip,names"
      for i in $(seq 1 50); do
          echo "203.0.113.$((o * 50 + i - 50)),a$i.$label.$label.example.com;b$i.$label.$label.example.com"
      done; } > big$o.csv
    "$PTRCTL" --owner "o$o" import --no-progress big$o.csv >/dev/null 2>&1
done
# Standard output goes through a pipe, which the limit does not apply to.
got=$( (trap '' XFSZ; ulimit -f 64; "$PTRCTL" --json export-zone --out zones 2>/dev/null; echo "rc=$?") | cat)
OUT=${got%rc=*}
eq "${got##*rc=}" 3 "a write that fails is a system failure"
eq "$(ls -A zones | tr '\n' ' ')" "100.51.198.in-addr.arpa.zone " "the small zone written, no temporary left"
json_ok "$OUT" "the JSON of a failed export"
json_is '.error.code' '"PTRCTL_E_IO"' "a failed export carries the error, not only the zones"

# ---- temporaries are new files with the zone file's mode -------------------------------------
rm -rf zones && mkdir zones
(umask 022; "$PTRCTL" export-zone --out zones >/dev/null 2>&1) || fail "export-zone with umask 022"
eq "$(stat -c %a "zones/$Z")" 644 "zone files are readable by the name server"
finish
