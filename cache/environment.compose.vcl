# Compose environment of the cache policy (cache/default.vcl includes it): the image's built-in
# /etc/varnish/environment.vcl; Kubernetes mounts deploy/k8s/base/cache/environment.vcl instead. The local
# stack (cache/src/varnish.ts) uses this file with one copy of the backend per API process on 127.0.0.1.

# The compose service `api`, resolved when the VCL compiles at start (compose starts the cache after the
# api container, and restarts it if the name was not there yet).
backend api_compose {
    .host = "api";
    .port = "3000";
    .probe = api_ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}

# May PURGE/BAN: the container itself and the private ranges of compose networks (so `curl -X PURGE`
# through the published port works too: it arrives from the network's gateway).
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_init {
    new api = directors.round_robin();
    api.add_backend(api_compose);
}
