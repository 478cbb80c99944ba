# Sourced by the ops/ scripts: finds a JDK >= 25 and exports JAVA_HOME and PATH.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm
# (QUIVER_JDK_SEARCH_DIR overrides that directory).
QUIVER_MIN_JAVA=25

quiver_java_major() { # $1 = a java binary; prints its feature version, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

quiver_find_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(quiver_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$QUIVER_MIN_JAVA" ]; then
      return 0
    fi
  fi
  local search_dir="${QUIVER_JDK_SEARCH_DIR:-/usr/lib/jvm}"
  for candidate in $(ls -d "$search_dir"/*/ 2>/dev/null | sort -Vr); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(quiver_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$QUIVER_MIN_JAVA" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "quiver: no JDK $QUIVER_MIN_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable under $search_dir)." >&2
  echo "quiver: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

quiver_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"

# The JVM flags verified in shared/STACK.md; kept in step with quiver.jvm.flags in the root pom.xml.
QUIVER_JVM_FLAGS="--add-opens=java.base/java.nio=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Dchronicle.analytics.disable=true --sun-misc-unsafe-memory-access=allow --add-modules=jdk.incubator.vector"

# -XX:+UseTransparentHugePages when the kernel offers huge pages on request (THP "madvise" or
# "always"; QUIVER_THP=off leaves them out). The heap is pre-touched and large parts of it stay
# untouched for minutes (old generation, the idle part of eden at a low ingest rate). A kernel
# reclaimer that scans cold memory (DAMON's pageout scheme on this kind of VM) then walks every 4 KiB
# page of it, and in a kernel that does not preempt its own threads that takes a whole core for
# 50-70 ms at a time: the ack-latency tail at 50,000 events/s (bench/RESULTS-ingest-perf.md). In
# 2 MiB pages the same heap is 512x fewer pages to walk, and the JIT-compiled code's TLB misses drop.
quiver_thp_flags() {
  local thp="${QUIVER_THP_SYSFS:-/sys/kernel/mm/transparent_hugepage/enabled}"
  if [ "${QUIVER_THP:-on}" != off ] && [ -r "$thp" ] && grep -qE '\[(always|madvise)\]' "$thp"; then
    printf '%s' "-XX:+UseTransparentHugePages"
  fi
}

# glibc malloc settings for the server's native memory (Arrow result buffers, Netty's pooled
# chunks): freed memory stays in the process (trimmed only above 256 MiB free at the top of an
# arena, allocations under 32 MiB never get their own mapping) instead of going back to the kernel
# and being faulted in again, zeroed, 4 KiB at a time, by the next result. With glibc's adaptive
# defaults the Flight server took ~5,000 page faults per 10 M-row read (20 MB refaulted), a number that
# changed from run to run with the allocation pattern; with these, none (bench/RESULTS-flight.md).
# A GLIBC_TUNABLES already set wins; QUIVER_MALLOC=default leaves glibc's defaults; other C
# libraries ignore the variable.
quiver_malloc_tunables() {
  if [ -n "${GLIBC_TUNABLES:-}" ]; then
    printf '%s' "$GLIBC_TUNABLES"
  elif [ "${QUIVER_MALLOC:-tuned}" != default ]; then
    printf '%s' "glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432"
  fi
}

# Builds <module> (and what it needs) when <jar> is missing or older than any main source or pom:
# the launchers then always run what the checkout holds.
quiver_build_if_stale() { # $1 = repository root, $2 = module, $3 = the module's jar
  local root="$1" module="$2" jar="$3" newest_source
  newest_source=$(find "$root" -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null || true)
  if [ ! -f "$jar" ] || [ -n "$newest_source" ] || [ "$root/pom.xml" -nt "$jar" ] || [ "$root/$module/pom.xml" -nt "$jar" ]; then
    echo "quiver: building $module (first run, or sources changed)..." >&2
    (cd "$root" && mvn -B -q -ntp -DskipTests -pl "$module" -am package) >&2
  fi
}
