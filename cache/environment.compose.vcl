# The image's built-in environment.vcl (compose; the local stack rewrites the backend per API process).
# `api` resolves when the VCL compiles at start: compose starts the cache after it, restarts it if not yet.
backend api_compose {
    .host = "api";
    .port = "3000";
    .probe = api_ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
}

# May PURGE/BAN: the container and compose's private ranges (the published port arrives from the gateway).
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
