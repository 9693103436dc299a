# Compose environment of the cache policy (cache/default.vcl includes this file; its contract: backends
# probed with `api_ready`, `acl purgers`, and a round-robin director `api`). Built into the cache image
# as /etc/varnish/environment.vcl; Kubernetes mounts deploy/k8s/base/cache/environment.vcl instead.

# The compose service `api` (compose.yaml). Varnish resolves the name once, when the VCL is compiled at
# start: compose starts the cache after the api container, and restarts it if the name was not there yet.
backend api_compose {
    .host = "api";
    .port = "3000";
    .probe = api_ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}

# May PURGE/BAN: the container itself and the private ranges compose networks use (so `curl -X PURGE`
# from the host through the published port works too: it arrives from the network's gateway).
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
