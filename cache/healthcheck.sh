#!/bin/bash
# Container health check: GET /_cache/health, through bash's /dev/tcp (curl would add ~10 MB to the image).
set -eu
exec 3<>"/dev/tcp/127.0.0.1/${VARNISH_HTTP_PORT:-8080}"
printf 'GET /_cache/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 2 status <&3
case "$status" in "HTTP/1.1 200 "*) exit 0 ;; *) exit 1 ;; esac
