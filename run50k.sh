#!/bin/bash
# usage: run50k.sh label   (env SGC, CGC: GC flags for server / client)
L=$1
cd /work/wt/lat
SERVER_OPTS="-XX:StartFlightRecording=filename=/tmp/lat-$L.jfr,settings=profile -Xlog:gc:file=/tmp/lat-$L.server.gc" \
CLIENT_OPTS="-Xlog:gc:file=/tmp/lat-$L.client.gc" \
QUIVER_GC_S="$SGC" bash -c 'export QUIVER_GC="$QUIVER_GC_S"; [ -z "$QUIVER_GC" ] && unset QUIVER_GC; true'
