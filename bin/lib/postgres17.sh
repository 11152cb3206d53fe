# PostgreSQL 17 (server and client) for the tests, on a Debian 12 machine that ships 15 only:
# Debian 13's own packages, fetched through a private apt configuration (the machine's sources
# stay as they are), unpacked with dpkg -x (nothing is installed) and patched with patchelf to
# load their Debian 13 libraries from the same folder. The tests start a second cluster from it
# and use its pg_dump/pg_restore as a second client (testing/PostgresCluster). Nothing of the
# app needs it: it lives outside the git tree and never reaches the jar or the image.
#
# Source it, then: postgres17_dir (prints the folder); prepare_postgres17 (quick when cached).
# The folder is SHIFTSYNC_PG17_DIR when set, else /var/cache/shiftsync-backup/postgresql-17 as
# root (the postgres user, which runs the test clusters then, must reach it), else
# ${XDG_CACHE_HOME:-~/.cache}/shiftsync-backup/postgresql-17. The tests look in the same place.

# Bump when the recipe changes: a folder made by an older recipe is made again.
POSTGRES17_RECIPE=1
POSTGRES17_PACKAGES="postgresql-17 postgresql-client-17 libpq5 libc6 libssl3t64 libzstd1 liblz4-1 zlib1g
  libgssapi-krb5-2 libldap2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libsasl2-2
  libsasl2-modules-db libreadline8t64 libtinfo6 libgcc-s1 libstdc++6 libdb5.3t64 libidn2-0 libunistring5
  libgnutls30t64 libp11-kit0 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libicu76 libxml2
  libsystemd0 libuuid1 libcap2 liblzma5 libselinux1 libpcre2-8-0 libnuma1 libcrypt1 libedit2 libbsd0 libmd0
  libgcrypt20 libgpg-error0 liburing2"

postgres17_dir() {
  if [ -n "${SHIFTSYNC_PG17_DIR:-}" ]; then echo "$SHIFTSYNC_PG17_DIR"
  elif [ "$(id -u)" -eq 0 ]; then echo /var/cache/shiftsync-backup/postgresql-17
  else echo "${XDG_CACHE_HOME:-$HOME/.cache}/shiftsync-backup/postgresql-17"; fi
}

# The Debian mirror this machine's own apt sources use (deb822 or one-line format).
debian_mirror() {
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -1)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    | awk '{print $2}' | grep -v -- '-security' | head -1)"
  echo "${uri:-http://deb.debian.org/debian}"
}

postgres17_ready() {
  local root="$1" bin="$1/usr/lib/postgresql/17/bin"
  [ "$(cat "$root/.recipe" 2>/dev/null)" = "$POSTGRES17_RECIPE" ] \
    && "$bin/postgres" --version 2>/dev/null | grep -q 'PostgreSQL) 17\.' \
    && "$bin/pg_dump" --version 2>/dev/null | grep -q 'PostgreSQL) 17\.' \
    && "$bin/pg_restore" --version 2>/dev/null | grep -q 'PostgreSQL) 17\.'
}

prepare_postgres17() {
  local root work apt_opts f
  root="$(postgres17_dir)"
  mkdir -p "$(dirname "$root")"
  # two worktrees' setups at once must not build the same folder twice
  exec 9>"$(dirname "$root")/.postgresql-17.lock"
  flock 9
  if postgres17_ready "$root"; then exec 9>&-; return 0; fi
  echo "setup: preparing PostgreSQL 17 for the tests in $root (Debian 13 packages, unpacked and patched)" >&2
  rm -rf "$root" "$root.work"
  work="$root.work"
  mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/cache" "$work/debs" "$root"
  echo "deb $(debian_mirror) trixie main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::Cache::Archives=$work/archives"
    -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -qq)
  [ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update
  # shellcheck disable=SC2086 # the list is words on purpose
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download $POSTGRES17_PACKAGES)
  for f in "$work"/debs/*.deb; do dpkg -x "$f" "$root"; done
  # DT_RPATH, not RUNPATH: libpq's own dependencies (libldap, ...) must resolve here too
  for f in "$root"/usr/lib/postgresql/17/bin/*; do
    if [ "$(head -c 4 "$f" | tr -d '\0')" = "$(printf '\177ELF')" ]; then
      patchelf --set-interpreter "$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --remove-rpath "$f"
      patchelf --force-rpath --set-rpath "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" "$f"
    fi
  done
  rm -rf "$work"
  chmod -R a+rX "$root"
  echo "$POSTGRES17_RECIPE" > "$root/.recipe"
  if ! postgres17_ready "$root"; then
    echo "setup: PostgreSQL 17 in $root does not run after patching; see the output above" >&2
    exec 9>&-
    return 1
  fi
  exec 9>&-
}
